import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { SinchWebhook } from 'src/sinch/sinch.module';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { ratio, SHORT, startBenchApp } from './bench-kit';

// Inbound queues through the time-scaled simulator, run as its own process (as Sinch is elsewhere in production:
// the bench measures the app's process, not the simulator's timers and HTTP sharing its event loop): CALLERS
// callers across QUEUES queues served by AGENTS agents (AGENTS / QUEUES per queue). Agents answer after 2 simulated
// seconds and talk about TALK_S (ten callers per agent: the last in line wait well past Sinch's 600 s park limit, so
// the re-parks are what keeps them); callers never give up, so every caller must end up connected. Figures: from an
// agent becoming free (or the caller arriving, when the agent was free first) to the caller's unpark (the entry
// claimed `connected`, the PATCH connectConf sent right after) and to the offer, with the offer's phases; callers
// dropped by Sinch's park limit; double offers. Anchor, same run: one ManageCall PATCH to a parked call (the
// unpark's own floor).
const CALLERS = SHORT ? 200 : 1000;
const QUEUES = 10;
const AGENTS = SHORT ? 20 : 100;
const SCALE = 20;
const TALK_S = 120;
// Talk times spread over TALK_S ± 60 per agent (default), as a real floor's calls end at all sorts of times; or
// BENCH_QUEUES_TALK=same: every agent talks exactly TALK_S, so all of them free up within the same moment, wave after
// wave (the harshest case for the free → unparked figure: a wave's legs pass the dial pace and its ACEs arrive together).
const SAME_TALK = process.env.BENCH_QUEUES_TALK === 'same';
const talkOf = (agent: number): number => (SAME_TALK ? TALK_S : TALK_S - 60 + ((agent * 37) % 121));
const ARRIVALS_PER_SECOND = 100;
const ANCHOR_PATCHES = 50;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const agentNumber = (a: number): string => `+4670210${String(1000 + a)}`;

const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length * p) - 1)] ?? NaN;

// The standalone simulator (src/simulator/main.ts) on an ephemeral port, with the development credentials the app
// uses in simulator mode; the app registers its callback URL with it when it listens (SINCH_VOICE_URL).
async function startSimulator(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/simulator/main.ts'], {
    cwd: root,
    env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_HOST: '127.0.0.1', SIMULATOR_TIME_SCALE: String(SCALE), SIMULATOR_LOG: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}) before listening: ${out}`)));
  });
  child.stdout!.resume();
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function run(): Promise<void> {
  const simulator = await startSimulator();
  let bench: Awaited<ReturnType<typeof startBenchApp>>;
  try {
    bench = await startBenchApp({
      SINCH_VOICE_URL: simulator.url,
      SINCH_CALLOUTS_PER_SECOND: '200',
      CALLOUT_CONCURRENCY: '100',
      // Parks of 600 simulated seconds are 30 real ones: re-parked every 15 (the service's margin, 50x compressed
      // from a real 10-minute park, is still what the loaded machine has to beat).
      QUEUE_PARK_S: '600',
      QUEUE_REPARK_AFTER_MS: '15000',
      QUEUE_SWEEP_MS: '500',
      QUEUE_REFRESH_MS: '1000',
    });
  } catch (err) {
    await simulator.stop();
    throw err;
  }
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  try {
    await bench.app.get(SinchWebhook).onListening(bench.url);
    const sim = { url: simulator.url };
    const key = (await bench.app.get(ApiKeysService).create('bench', 'admin', null)).key;
    const api = async (method: string, path: string, body?: unknown): Promise<Body> => {
      const res = await fetch(`${bench.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
      return text ? (JSON.parse(text) as Body) : {};
    };
    const simJson = async (path: string, method = 'GET', body?: unknown): Promise<Body> =>
      (
        await fetch(sim.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
      ).json() as Promise<Body>;
    await simJson('/_sim/rules', 'PUT', {
      rules: [
        ...Array.from({ length: AGENTS }, (_, a) => ({ match: agentNumber(a), outcome: 'answered', ringTimeS: 2, talkTimeS: talkOf(a) })),
        { match: '*', outcome: 'answered', talkTimeS: 86_400 },
      ],
    });

    const numbers = Array.from({ length: QUEUES }, (_, i) => `+4610900${String(1000 + i)}`);
    for (const number of numbers) await simJson('/_sim/numbers', 'POST', { number, countryId: 'SE', numberType: 'Fixed', assigned: true });
    await api('POST', '/numbers/sync');
    const owned = (await api('GET', '/numbers?limit=200')).items as Body[];
    const queueIds: string[] = [];
    for (const [i, number] of numbers.entries()) {
      const queue = await api('POST', '/queues', { name: `bench ${i}`, holdPrompt: 'Please hold', agentAnswerTimeoutS: 30 });
      queueIds.push(queue.id as string);
      await api('PUT', `/numbers/${owned.find((n) => n.number === number)!.id}/route`, { route: { type: 'queue', target: queue.id } });
    }
    for (let a = 0; a < AGENTS; a++) {
      const agent = await api('POST', '/agents', {
        name: `agent ${a}`,
        endpointType: 'pstn',
        endpoint: agentNumber(a),
        queues: [{ queueId: queueIds[a % QUEUES] }],
      });
      await api('PUT', `/agents/${agent.id}/status`, { status: 'available' });
    }

    const client = bench.app.get(SinchVoiceClient);
    const anchorMs: number[] = [];

    const started = Date.now();
    for (let i = 0; i < CALLERS; i++) {
      void simJson('/_sim/inbound', 'POST', { from: `+46703${String(100000 + i)}`, to: numbers[i % QUEUES] });
      if (i % ARRIVALS_PER_SECOND === ARRIVALS_PER_SECOND - 1) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await until(
      async () =>
        Number(
          (await db.query(`SELECT count(*) AS n FROM queue_entries WHERE state IN ('completed', 'abandoned', 'failed', 'removed', 'overflowed')`)).rows[0].n,
        ) >= CALLERS,
      600_000,
      'every caller connected and done',
    );
    const runS = (Date.now() - started) / 1000;

    // The anchor, now that the agents are idle: a caller parked in a queue nobody serves, PATCHed ANCHOR_PATCHES times.
    const idle = await api('POST', '/queues', { name: 'bench anchor', holdPrompt: 'Please hold' });
    await api('PUT', `/numbers/${owned.find((n) => n.number === numbers[0])!.id}/route`, { route: { type: 'queue', target: idle.id } });
    const parked = (await simJson('/_sim/inbound', 'POST', { from: '+46703999998', to: numbers[0] })).callId as string;
    await until(async () => (await simJson(`/_sim/calls/${parked}`)).parked === true, 10_000, 'anchor caller parked');
    for (let i = 0; i < ANCHOR_PATCHES; i++) {
      const t0 = performance.now();
      await client.manageCall(parked, buildSvaml(svaml.park({ holdPrompt: '#tts[Please hold]', maxDuration: 600 })));
      anchorMs.push(performance.now() - t0);
    }
    await simJson(`/_sim/calls/${parked}/hangup`, 'POST', {});

    // Free → offer and free → unpark per connected caller: the agent's last `available` before the offer, or the
    // caller's arrival when the agent was already free.
    const { rows } = await db
      .query<{ to_offer_ms: string; to_unpark_ms: string; to_dial_ms: string; to_initiated_ms: string; to_answer_ms: string }>(
        `
      SELECT EXTRACT(EPOCH FROM (e.offered_at - GREATEST(f.at, e.enqueued_at))) * 1000 AS to_offer_ms,
             EXTRACT(EPOCH FROM (e.answered_at - GREATEST(f.at, e.enqueued_at))) * 1000 AS to_unpark_ms,
             EXTRACT(EPOCH FROM (c.dial_started_at - e.offered_at)) * 1000 AS to_dial_ms,
             EXTRACT(EPOCH FROM (c.initiated_at - c.dial_started_at)) * 1000 AS to_initiated_ms,
             EXTRACT(EPOCH FROM (e.answered_at - c.initiated_at)) * 1000 AS to_answer_ms
        FROM queue_entries e
        JOIN calls c ON c.id = e.agent_call_id
        CROSS JOIN LATERAL (SELECT max(at) AS at FROM agent_status_changes s WHERE s.agent_id = e.agent_id AND s.status = 'available' AND s.at <= e.offered_at) f
       WHERE e.answered_at IS NOT NULL AND e.queue_id = ANY($1)`,
        [queueIds],
      )
      .then((r) => r);
    const toOffer = rows.map((r) => Number(r.to_offer_ms));
    const toUnpark = rows.map((r) => Number(r.to_unpark_ms));
    const phase = (k: 'to_dial_ms' | 'to_initiated_ms' | 'to_answer_ms'): string => {
      const v = rows.map((r) => Number(r[k]));
      return `p50 ${percentile(v, 0.5).toFixed(0)} / p95 ${percentile(v, 0.95).toFixed(0)} ms`;
    };
    const count = async (sql: string, values: unknown[] = []) => Number((await db.query(sql, values)).rows[0].n);
    const dropped = await count(`SELECT count(*) AS n FROM queue_entries WHERE queue_id = ANY($1) AND state IN ('abandoned', 'failed')`, [queueIds]);
    const connected = await count(`SELECT count(*) AS n FROM queue_entries WHERE queue_id = ANY($1) AND answered_at IS NOT NULL`, [queueIds]);
    const reparks = await count(`SELECT coalesce(sum(parks - 1), 0) AS n FROM queue_entries WHERE queue_id = ANY($1)`, [queueIds]);
    const longestWaitS = await count(`SELECT coalesce(max(wait_ms), 0) / 1000.0 * ${SCALE} AS n FROM queue_entries WHERE queue_id = ANY($1)`, [queueIds]);
    // Double offers: one agent offered two callers at overlapping times, or one caller's entry answered by two legs.
    const agentOverlaps = await count(
      `
      SELECT count(*) AS n FROM queue_entries a JOIN queue_entries b ON a.agent_id = b.agent_id AND a.id < b.id
       WHERE a.queue_id = ANY($1) AND tstzrange(a.offered_at, a.ended_at) && tstzrange(b.offered_at, b.ended_at)`,
      [queueIds],
    );
    const answeredLegs = await count(`SELECT count(*) AS n FROM calls WHERE direction = 'outbound' AND queue_id = ANY($1) AND answered_at IS NOT NULL`, [
      queueIds,
    ]);
    // Per leg, the slowest 5 % of unparks taken apart: the offer transaction and enqueue (offered_at is its start),
    // the wait for a worker (BullMQ's limiter and fetch), the row read and marker, Sinch's answer, the ACE's arrival
    // and the claim; and how many legs were offered within 250 ms of it (its burst).
    const jobs = await bench.app.get(CalloutJobs).queue.getJobs(['completed'], 0, -1);
    const jobTimes = new Map(jobs.map((j) => [j.id, { added: j.timestamp, processed: j.processedOn ?? NaN }]));
    const legs = (
      await db.query<{ call_id: string; offered: string; dial: string; initiated: string; ace: string | null; claimed: string; unpark_ms: string }>(
        `SELECT c.id AS call_id, EXTRACT(EPOCH FROM e.offered_at) * 1000 AS offered, EXTRACT(EPOCH FROM c.dial_started_at) * 1000 AS dial,
                EXTRACT(EPOCH FROM c.initiated_at) * 1000 AS initiated, EXTRACT(EPOCH FROM e.answered_at) * 1000 AS claimed,
                (SELECT EXTRACT(EPOCH FROM min(ev.received_at)) * 1000 FROM call_events ev WHERE ev.call_id = c.id AND ev.kind = 'ace') AS ace,
                EXTRACT(EPOCH FROM (e.answered_at - GREATEST(f.at, e.enqueued_at))) * 1000 AS unpark_ms
           FROM queue_entries e JOIN calls c ON c.id = e.agent_call_id
           CROSS JOIN LATERAL (SELECT max(at) AS at FROM agent_status_changes s WHERE s.agent_id = e.agent_id AND s.status = 'available' AND s.at <= e.offered_at) f
          WHERE e.answered_at IS NOT NULL AND e.queue_id = ANY($1)`,
        [queueIds],
      )
    ).rows.map((r) => ({ ...r, job: jobTimes.get(r.call_id) }));
    const offeredTimes = legs.map((l) => Number(l.offered));
    const slow = legs.filter((l) => Number(l.unpark_ms) >= percentile(toUnpark, 0.95));
    const avg = (f: (l: (typeof legs)[number]) => number): string => (slow.reduce((sum, l) => sum + f(l), 0) / slow.length).toFixed(0);
    const breakdown =
      `slowest 5 % (${slow.length}), mean ms: offer txn → job added ${avg((l) => (l.job?.added ?? NaN) - Number(l.offered))}, ` +
      `→ worker took it ${avg((l) => (l.job?.processed ?? NaN) - (l.job?.added ?? NaN))}, → dial marked ${avg((l) => Number(l.dial) - (l.job?.processed ?? NaN))}, ` +
      `→ Sinch accepted ${avg((l) => Number(l.initiated) - Number(l.dial))}, → ACE received ${avg((l) => Number(l.ace) - Number(l.initiated))}, ` +
      `→ claimed ${avg((l) => Number(l.claimed) - Number(l.ace))}; legs offered within 250 ms ${avg((l) => offeredTimes.filter((t) => Math.abs(t - Number(l.offered)) <= 250).length)}` +
      ` (jobs found ${slow.filter((l) => l.job).length})`;
    const offerP95 = percentile(toOffer, 0.95);
    const unparkP95 = percentile(toUnpark, 0.95);
    const anchorP95 = percentile(anchorMs, 0.95);

    process.stdout.write(
      [
        `${CALLERS} callers (${ARRIVALS_PER_SECOND}/s) across ${QUEUES} queues, ${AGENTS} agents (talk ${SAME_TALK ? `${TALK_S} s each` : `${TALK_S - 60}–${TALK_S + 60} s`}), simulator ×${SCALE}: all done in ${runS.toFixed(1)} s; ${connected} connected, longest wait ${longestWaitS.toFixed(0)} simulated s, ${reparks} re-parks`,
        `agent free → caller unparked: p50 ${percentile(toUnpark, 0.5).toFixed(0)} ms, p95 ${unparkP95.toFixed(0)} ms (goal p95 < 1000 ms: ${unparkP95 < 1000 ? 'met' : 'not met'}; includes the agent's 2 simulated s of ringing = ${(2000 / SCALE).toFixed(0)} ms real)`,
        `agent free → offer placed: p50 ${percentile(toOffer, 0.5).toFixed(0)} ms, p95 ${offerP95.toFixed(0)} ms`,
        `phases: offer → dial started ${phase('to_dial_ms')}; dial → Sinch accepted ${phase('to_initiated_ms')}; accepted → agent answered and caller claimed ${phase('to_answer_ms')}`,
        `anchor, one ManageCall PATCH to a parked call (${ANCHOR_PATCHES}): p50 ${percentile(anchorMs, 0.5).toFixed(1)} ms, p95 ${anchorP95.toFixed(1)} ms; unpark p95 / anchor p95 = ${ratio(unparkP95, anchorP95)}`,
        `callers dropped by the park limit (abandoned or failed; callers never give up here): ${dropped} (goal 0)`,
        breakdown,
        `double offers: ${agentOverlaps} agents offered two callers at once, ${answeredLegs - connected} callers answered by more than one leg (goal 0)`,
      ].join('\n') + '\n',
    );
  } finally {
    await db.end();
    await bench.close();
    await simulator.stop();
  }
}
