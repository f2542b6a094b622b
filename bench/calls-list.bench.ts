import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { SHORT, startBenchApp } from './bench-kit';

const ROWS = Number(process.env.BENCH_CALLS_ROWS ?? (SHORT ? 500_000 : 5_000_000));
const REQUESTS_PER_FILTER = SHORT ? 40 : 100;
const GOAL_P95_MS = 50;

// GET /api/v1/calls with each documented filter over a table of ROWS calls (generated in Postgres with
// generate_series, then ANALYZE), p95 through the HTTP route, first page (50). The anchor is the same route with no
// filter at all (the primary order index), measured in the same run.
export async function run(): Promise<void> {
  const bench = await startBenchApp({ APP_ROLE: 'api', ADMIN_RATE_LIMIT_PER_MINUTE: '100000' });
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  try {
    const campaignId = randomUUID();
    const started = Date.now();
    // Spread over 90 days; 1 in 5 rows belongs to the campaign; results ANSWERED / BUSY / NOANSWER (none FAILED: the
    // no-match case); a few inbound; numbers from a pool of 100k.
    await db.query(
      `INSERT INTO calls (direction, kind, state, to_number, from_number, result, campaign_id, created_at, initiated_at)
       SELECT CASE WHEN g % 50 = 0 THEN 'inbound' ELSE 'outbound' END, 'tts', CASE WHEN g % 7 = 0 THEN 'failed' ELSE 'completed' END,
              '+1415' || lpad((g % 100000)::text, 7, '0'), '+15550100001',
              (ARRAY['ANSWERED','BUSY','NOANSWER'])[1 + g % 3], CASE WHEN g % 5 = 0 THEN $2::uuid END,
              now() - (g * (90 * 86400.0 / $1)) * interval '1 second', now()
       FROM generate_series(1, $1) g`,
      [ROWS, campaignId],
    );
    await db.query('ANALYZE calls');
    process.stdout.write(`calls list at ${ROWS.toLocaleString('en-US')} rows (generated in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    const { key } = await bench.app.get(ApiKeysService).create('bench', 'admin', null);
    const filters: [string, string][] = [
      ['no filter (anchor)', ''],
      ['state', 'state=failed'],
      ['direction', 'direction=inbound'],
      ['result', 'result=BUSY'],
      ['result, no match', 'result=FAILED'],
      ['campaignId', `campaignId=${campaignId}`],
      ['number', 'number=%2B14150004242'],
      ['from / to', `from=${new Date(Date.now() - 30 * 86400_000).toISOString()}&to=${new Date(Date.now() - 29 * 86400_000).toISOString()}`],
      ['all together', `state=completed&direction=outbound&result=BUSY&campaignId=${campaignId}`],
    ];
    let anchor = 0;
    for (const [name, query] of filters) {
      const times: number[] = [];
      // One unmeasured request first: the plan and the pages it touches, as for any query a client repeats.
      for (let i = -1; i < REQUESTS_PER_FILTER; i++) {
        const t0 = performance.now();
        const res = await fetch(`${bench.url}/api/v1/calls?limit=50${query ? `&${query}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
        if (i >= 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const p95 = times[Math.floor(times.length * 0.95)];
      if (!query) anchor = p95;
      const verdict = p95 < GOAL_P95_MS ? 'met' : 'NOT MET';
      process.stdout.write(
        `  ${name.padEnd(20)} p95 ${p95.toFixed(1).padStart(7)} ms  p50 ${times[Math.floor(times.length / 2)].toFixed(1).padStart(6)} ms  ratio to no filter ${(p95 / anchor).toFixed(2)}  (goal p95 < ${GOAL_P95_MS} ms: ${verdict})\n`,
      );
    }
  } finally {
    await db.end();
    await bench.close();
  }
}
