import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { countRows, deleteRedisKeys, fmt, load, ratio, REDIS_URL, SHORT, startBenchApp, type LoadResult, type SignedRequest } from './bench-kit';

const SINGLE_COUNT = SHORT ? 6_000 : 20_000;
const SINGLE_CONNECTIONS = 64;
const BATCH_SIZE = 1_000;
const BATCH_COUNT = SHORT ? 20 : 60;
const BATCH_CONNECTIONS = 4;
const MAX_SECONDS = SHORT ? 10 : 20;
const SINGLE_GOAL = 2_000;
const BATCH_GOAL = 20_000;

let nextNumber = 0;
// Distinct Swedish mobile numbers, so no refusal by the frequency cap skews the figures.
const destination = (): string => `+46701${String(nextNumber++ % 1_000_000).padStart(6, '0')}`;
const tts = () => ({ type: 'tts', destination: destination(), text: 'Your order has shipped', custom: { orderId: randomUUID().slice(0, 8) } });

// POST /api/v1/callouts and POST /api/v1/callouts/batch through the real HTTP route (API key, validation, compliance,
// the call rows, the dial jobs in Redis) against the anchor the issue names: BullMQ's `add` alone (and `addBulk` for
// the batch) on the same Redis, measured in the same run. The process is an api replica (no worker dials).
export async function run(): Promise<void> {
  const bench = await startBenchApp({ APP_ROLE: 'api', ADMIN_RATE_LIMIT_PER_MINUTE: '100000', FREQUENCY_CAP_CALLS: '1000' });
  const anchorPrefix = `{ccb-anchor-${randomUUID().slice(0, 8)}}`;
  const anchorQueue = new Queue('anchor', { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: anchorPrefix });
  try {
    const { key } = await bench.app.get(ApiKeysService).create('bench', 'admin', null);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const single = (count: number): SignedRequest[] => Array.from({ length: count }, () => ({ headers, body: JSON.stringify(tts()) }));
    const batch = (count: number): SignedRequest[] =>
      Array.from({ length: count }, () => ({ headers, body: JSON.stringify({ calls: Array.from({ length: BATCH_SIZE }, tts) }) }));
    // Warm-up: the plans, the pools, the JIT.
    const warmSingle = await load(bench.url, '/api/v1/callouts', single(1_000), { connections: SINGLE_CONNECTIONS, count: 1_000, maxSeconds: 5 });
    const warmBatch = await load(bench.url, '/api/v1/callouts/batch', batch(2), { connections: 1, count: 2, maxSeconds: 10 });

    const singleRun = await load(bench.url, '/api/v1/callouts', single(SINGLE_COUNT), {
      connections: SINGLE_CONNECTIONS,
      count: SINGLE_COUNT,
      maxSeconds: MAX_SECONDS,
    });
    const addRun = await anchorAdds(anchorQueue, SINGLE_COUNT, SINGLE_CONNECTIONS);
    const batchRun = await load(bench.url, '/api/v1/callouts/batch', batch(BATCH_COUNT), {
      connections: BATCH_CONNECTIONS,
      count: BATCH_COUNT,
      maxSeconds: MAX_SECONDS,
    });
    const bulkRun = await anchorBulk(anchorQueue, BATCH_COUNT, BATCH_CONNECTIONS);

    const ok = (r: LoadResult) => r.requests - r.errors;
    const answered = ok(warmSingle) + ok(singleRun) + (ok(warmBatch) + ok(batchRun)) * BATCH_SIZE;
    const rows = await countRows(bench.databaseUrl, "SELECT count(*) AS n FROM calls WHERE direction = 'outbound' AND state = 'queued'");
    const jobs = await bench.app.get(CalloutJobs).queue.getJobCounts('waiting', 'prioritized', 'delayed');
    const jobCount = Object.values(jobs).reduce((a, b) => a + b, 0);
    const batchCalls = { perSecond: (ok(batchRun) * BATCH_SIZE) / batchRun.seconds };
    process.stdout.write(`callouts through the HTTP route (api process), BullMQ on the same Redis as the anchor\n`);
    process.stdout.write(`  single    ${fmt(singleRun)}\n`);
    process.stdout.write(`  anchor    ${anchorLine(addRun)}  (BullMQ add alone, ${SINGLE_CONNECTIONS} in flight)\n`);
    process.stdout.write(
      `  ratio     single / add ${ratio(singleRun.perSecond, addRun.perSecond)}; goal >= ${SINGLE_GOAL}/s: ${singleRun.perSecond >= SINGLE_GOAL ? 'met' : 'NOT met'}\n`,
    );
    process.stdout.write(`  batch     ${fmt(batchRun)} x ${BATCH_SIZE} calls = ${batchCalls.perSecond.toFixed(0)} calls/s\n`);
    process.stdout.write(`  anchor    ${anchorLine(bulkRun)}  (BullMQ addBulk of ${BATCH_SIZE} alone, ${BATCH_CONNECTIONS} in flight)\n`);
    process.stdout.write(
      `  ratio     batch / addBulk ${ratio(batchCalls.perSecond, bulkRun.perSecond)}; goal >= ${BATCH_GOAL} calls/s: ${batchCalls.perSecond >= BATCH_GOAL ? 'met' : 'NOT met'}\n`,
    );
    process.stdout.write(
      `  stored    ${rows} queued call rows, ${jobCount} dial jobs = ${answered} calls answered 202: ${rows === answered && jobCount === answered}\n`,
    );
  } finally {
    await anchorQueue.obliterate({ force: true }).catch(() => undefined);
    await anchorQueue.close();
    await deleteRedisKeys(anchorPrefix);
    await bench.close();
  }
}

interface AnchorResult {
  items: number;
  seconds: number;
  perSecond: number;
}

const anchorLine = (r: AnchorResult): string => `${r.perSecond.toFixed(0).padStart(6)} jobs/s  (${r.items} jobs, ${r.seconds.toFixed(1)} s)`;

async function timed(items: number, work: () => Promise<void>): Promise<AnchorResult> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { items, seconds, perSecond: items / seconds };
}

// The dial job's own shape (a call id as job id, the same attempts), added one at a time with `inFlight` pending.
function anchorAdds(queue: Queue, count: number, inFlight: number): Promise<AnchorResult> {
  let next = 0;
  return timed(count, async () => {
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < count) {
          const callId = randomUUID();
          next += 1;
          await queue.add('dial', { callId }, { jobId: callId, attempts: 10 });
        }
      }),
    );
  });
}

function anchorBulk(queue: Queue, batches: number, inFlight: number): Promise<AnchorResult> {
  let next = 0;
  return timed(batches * BATCH_SIZE, async () => {
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < batches) {
          next += 1;
          await queue.addBulk(
            Array.from({ length: BATCH_SIZE }, () => {
              const callId = randomUUID();
              return { name: 'dial', data: { callId }, opts: { jobId: callId, attempts: 10 } };
            }),
          );
        }
      }),
    );
  });
}
