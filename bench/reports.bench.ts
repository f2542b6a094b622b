import { Client } from 'pg';
import { CallLedger, type LedgerEntry } from 'src/calls/ledger/call-ledger.service';
import { CallRollups, type ReportDimension } from 'src/calls/rollups/call-rollups.service';
import { CONTRIBUTION_COLUMNS, contributionSelect, rollupUpsertSql } from 'src/calls/rollups/call-rollup-sql';
import { RollupCheck } from 'src/calls/rollups/rollup-check.service';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { CampaignStatsService } from 'src/campaigns/stats/campaign-stats.service';
import type { CreateCampaignDto } from 'src/campaigns/dto/create-campaign.dto';
import { SHORT, startBenchApp } from './bench-kit';
import { ApiKeysService } from 'src/auth/api-keys.service';

// Cost reports and campaign stats at size: BENCH_REPORT_CALLS generated calls over 30 days (default 5M, a fifth of
// them in one campaign), the roll-ups built by the drift check's repair, then in the same run: each report grouping
// from the roll-ups against the same report summed from the raw call log (p50 / p95), campaign stats for the big
// campaign, and the finalise statement's throughput with its roll-up upkeep.
const CALLS = Number(process.env.BENCH_REPORT_CALLS ?? (SHORT ? 1_000_000 : 10_000_000));
const CHUNK = 500_000;
const DAYS = 30;
const ROLLUP_RUNS = 30;
const RAW_RUNS = 3;
const DICE = 20_000;
const DICE_BATCH = 100;
const CSV_ROWS = 1_000_000;

// The daily tier's zone (REPORTS_DAY_ZONE): reports in it, or without a time grouping, read days; a time grouping in
// another zone (UTC here) reads the hourly tier.
const DAY_ZONE = 'Europe/Stockholm';
const GROUPINGS: [ReportDimension[], string][] = [
  [[], DAY_ZONE],
  [['day'], DAY_ZONE],
  [['campaign'], DAY_ZONE],
  [['country', 'day'], DAY_ZONE],
  [['callerId'], DAY_ZONE],
  [['month', 'result'], DAY_ZONE],
  [['day'], 'UTC'],
];

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95) };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function run(): Promise<void> {
  const bench = await startBenchApp({ REPORTS_DAY_ZONE: DAY_ZONE, ADMIN_RATE_LIMIT_PER_MINUTE: '100000' });
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  try {
    const campaigns = bench.app.get(CampaignsService);
    const dto = {
      name: 'bench',
      callerIds: ['+46850000001'],
      message: { type: 'tts', text: 'Hello' },
      callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
      defaultTimeZone: 'Europe/Stockholm',
      pacing: { callsPerSecond: 5, maxConcurrent: 50 },
    } as unknown as CreateCampaignDto;
    const big = await campaigns.create(dto, null);
    const others = await Promise.all(Array.from({ length: 19 }, () => campaigns.create(dto, null)));
    const campaignIds = [big.id, ...others.map((c) => c.id)];

    let started = Date.now();
    for (let from = 0; from < CALLS; from += CHUNK) {
      // Shaped like real traffic: one call in five to the big campaign, the rest over 19 others and none; a campaign
      // calls one country from 2 caller ids in one currency; 4 outcomes; every tenth call inbound to one of 10
      // numbers; created over DAYS days.
      await db.query(
        `INSERT INTO calls (direction, kind, state, from_number, to_number, country, campaign_id, created_at, initiated_at, answered_at,
           sinch_call_id, result, reason, duration_s, debit_amount, debit_currency, rate_amount, rate_currency, final_source)
         SELECT d, CASE WHEN d = 'inbound' THEN 'inbound' ELSE 'tts' END, s, f, t, co, camp, at, at, CASE WHEN s = 'completed' THEN at END,
           'bench-' || g, r, 'N/A', dur, CASE WHEN dur > 0 THEN round(ceil(dur / 60.0) * 0.0135, 6) ELSE 0 END, cur, 0.0135, cur, 'dice'
         FROM (
           SELECT g, k,
             CASE WHEN g % 10 = 9 THEN 'inbound' ELSE 'outbound' END AS d,
             (ARRAY['completed', 'no_answer', 'busy', 'failed'])[1 + g % 4] AS s,
             (ARRAY['ANSWERED', 'NOANSWER', 'BUSY', 'FAILED'])[1 + g % 4] AS r,
             CASE WHEN g % 4 = 0 THEN 1 + (g / 4) % 300 ELSE 0 END AS dur,
             CASE WHEN g % 10 = 9 THEN '+4670' || lpad(g::text, 8, '0') ELSE '+468500000' || lpad((k + (g / 20) % 2)::text, 2, '0') END AS f,
             CASE WHEN g % 10 = 9 THEN '+468500001' || (g % 10) ELSE '+4670' || lpad(g::text, 8, '0') END AS t,
             (ARRAY['SE', 'US', 'GB', 'DE', 'FR', 'NO', 'DK', 'FI'])[1 + k % 8] AS co,
             CASE WHEN g % 10 = 9 THEN NULL WHEN k = 0 THEN $3::uuid WHEN k = 20 THEN NULL ELSE ($4::uuid[])[k] END AS camp,
             CASE WHEN k % 3 = 0 THEN 'EUR' ELSE 'USD' END AS cur,
             now() - make_interval(secs => (g * 7919) % ($5 * 86400)) AS at
           FROM (SELECT g, CASE WHEN g % 5 = 0 THEN 0 ELSE 1 + (g / 5) % 20 END AS k FROM generate_series($1::bigint, $2::bigint) g) gk
         ) x`,
        [from, Math.min(CALLS, from + CHUNK) - 1, big.id, campaignIds.slice(1), DAYS],
      );
      process.stdout.write(`  generated ${Math.min(CALLS, from + CHUNK)} calls (${((Date.now() - started) / 1000).toFixed(0)} s)\r`);
    }
    await db.query('VACUUM ANALYZE calls');
    log(`\nGenerated ${CALLS} calls in ${((Date.now() - started) / 1000).toFixed(0)} s (${CALLS / 5} in one campaign)`);

    started = Date.now();
    const fill = await bench.app.get(RollupCheck).checkRecent(DAYS + 1);
    await db.query('VACUUM ANALYZE call_rollups');
    await db.query('VACUUM ANALYZE call_rollups_daily');
    const [{ n: rollupRows, d: dailyRows }] = (
      await db.query('SELECT (SELECT count(*)::int FROM call_rollups) AS n, (SELECT count(*)::int FROM call_rollups_daily) AS d')
    ).rows;
    log(
      `Roll-ups built by the drift check's repair: ${fill.keysRepaired} rows in ${((Date.now() - started) / 1000).toFixed(1)} s (${rollupRows} hourly and ${dailyRows} daily rows for ${CALLS} calls)`,
    );

    const rollups = bench.app.get(CallRollups);
    const { key } = await bench.app.get(ApiKeysService).create('bench', 'reporting', null);
    const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    const get = async (params: Record<string, string>): Promise<void> => {
      const res = await fetch(
        `${bench.url}/api/v1/reports/costs?${new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), limit: '100', ...params })}`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      );
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`report ${JSON.stringify(params)}: HTTP ${res.status}`);
    };
    log(
      `\nGET /api/v1/reports/costs over ${DAYS} days (HTTP), daily tier cut in ${DAY_ZONE}; ${ROLLUP_RUNS} runs from the roll-ups, ${RAW_RUNS} with ?source=raw (the GROUP BY over the call log) per grouping`,
    );
    // Also the report statement alone (CallRollups.report in process, no HTTP, validation or totals query): what the
    // roll-ups cost apart from the route's fixed work on a loaded machine.
    log('| groupBy (zone) | HTTP roll-ups p50 | HTTP roll-ups p95 | HTTP raw p50 | HTTP raw p95 | raw p50 / roll-ups p95 | statement alone p50 / p95 |');
    log('|---|---|---|---|---|---|---|');
    for (const [groupBy, timeZone] of GROUPINGS) {
      const params = { groupBy: groupBy.join(','), timeZone };
      await get(params); // one unmeasured request: the plan and the pages it touches
      const fast = await timeRuns(ROLLUP_RUNS, () => get(params));
      const raw = await timeRuns(RAW_RUNS, () => get({ ...params, source: 'raw' }));
      const statement = await timeRuns(ROLLUP_RUNS, () => rollups.report({ from, to, timeZone, groupBy, filters: {}, source: 'rollups', limit: 100 }));
      log(
        `| ${groupBy.join(',') || '(totals)'} (${timeZone}) | ${ms(fast.p50)} | ${ms(fast.p95)} | ${ms(raw.p50)} | ${ms(raw.p95)} | ${(raw.p50 / fast.p95).toFixed(0)}x | ${ms(statement.p50)} / ${ms(statement.p95)} |`,
      );
    }

    const stats = bench.app.get(CampaignStatsService);
    const figures = await rollups.campaignFigures(big.id);
    const statsTimes = await timeRuns(ROLLUP_RUNS, () => stats.forCampaign(big.id));
    log(
      `\nCampaign stats (CampaignStatsService.forCampaign) for a ${figures.total}-call campaign in a ${CALLS}-call table: p50 ${ms(statsTimes.p50)}, p95 ${ms(statsTimes.p95)} (goal p95 < 50 ms)`,
    );

    // The finalise statement on the big table: DiCE batches as the inbox writes them, roll-up upkeep included.
    await db.query(
      `INSERT INTO calls (direction, kind, state, to_number, from_number, country, campaign_id, sinch_call_id, initiated_at)
       SELECT 'outbound', 'tts', 'answered', '+4670' || lpad(g::text, 8, '0'), '+46850000001', 'SE', $2::uuid, 'bench-upkeep-' || g, now()
       FROM generate_series(1, $1) g`,
      [DICE, big.id],
    );
    const ledger = bench.app.get(CallLedger);
    const entry = (i: number): LedgerEntry => ({
      dedupeKey: `bench-upkeep-${i}`,
      kind: 'dice',
      sinchCallId: `bench-upkeep-${i}`,
      eventAt: new Date(),
      receivedAt: new Date(),
      payload: {},
      via: 'webhook',
      needsFollowUp: false,
      final: {
        state: 'completed',
        result: 'ANSWERED',
        reason: 'CALLEEHANGUP',
        durationS: 1 + (i % 300),
        debit: { amount: '0.0135', currency: i % 2 ? 'USD' : 'EUR' },
        rate: { amount: '0.0135', currency: i % 2 ? 'USD' : 'EUR' },
      },
    });
    started = Date.now();
    const batches = Array.from({ length: DICE / DICE_BATCH }, (_, b) => Array.from({ length: DICE_BATCH }, (_, i) => entry(b * DICE_BATCH + i + 1)));
    let nextBatch = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextBatch < batches.length) await ledger.record(batches[nextBatch++]);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const upkeep = await timeRuns(20, async () => {
      // The roll-up part alone, for one batch's calls, rolled back: its cost per DiCE.
      await db.query('BEGIN');
      await db.query(
        `WITH n AS (SELECT ${CONTRIBUTION_COLUMNS} FROM calls WHERE sinch_call_id = ANY($1)), d AS (${contributionSelect('n', 1)} FROM n) ${rollupUpsertSql('d')}`,
        [Array.from({ length: DICE_BATCH }, (_, i) => `bench-upkeep-${i + 1}`)],
      );
      await db.query('ROLLBACK');
    });
    log(
      `\nFinalise statement (CallLedger.record, batches of ${DICE_BATCH}, 4 in parallel) with roll-up upkeep: ${(DICE / seconds).toFixed(0)} DiCE/s on the ${CALLS}-call table`,
    );
    log(
      `Roll-up upsert alone for a batch of ${DICE_BATCH}: p50 ${ms(upkeep.p50)} (${((upkeep.p50 * 1000) / DICE_BATCH).toFixed(0)} us per DiCE), p95 ${ms(upkeep.p95)}`,
    );
    const check = await bench.app.get(RollupCheck).checkRecent(1);
    log(`Drift check over the last day after the run: ${check.keysRepaired} rows to repair (0 expected)`);

    // The per-call CSV export through its route, read as it streams; the service runs in this process, so its RSS is
    // this process's (sampled every 50 ms). Stopped after CSV_ROWS rows.
    const csvStarted = Date.now();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let lines = 0;
    const controller = new AbortController();
    const res = await fetch(`${bench.url}/api/v1/reports/calls.csv?from=${from.toISOString()}&to=${to.toISOString()}`, {
      headers: { authorization: `Bearer ${key}` },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const byte of value) if (byte === 10) lines++;
      if (lines > CSV_ROWS) {
        controller.abort();
        break;
      }
    }
    clearInterval(sampler);
    log(
      `GET /api/v1/reports/calls.csv: ${Math.min(lines - 1, CSV_ROWS)} rows in ${((Date.now() - csvStarted) / 1000).toFixed(1)} s, RSS ${(rssBefore / 1e6).toFixed(0)} MB -> peak ${(peak / 1e6).toFixed(0)} MB`,
    );
  } finally {
    await db.end();
    await bench.close();
  }
}
