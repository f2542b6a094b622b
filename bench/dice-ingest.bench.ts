import { Client } from 'pg';
import { toLedgerEntry } from 'src/callbacks/inbox/callback-entry';
import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { EventInbox } from 'src/callbacks/inbox/event-inbox.service';
import { parseCallbackEvent } from 'src/sinch/callback-events';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { countRows, fmt, load, ratio, SHORT, signedCallback, startBenchApp, startNaiveInsertServer } from './bench-kit';

const CALLS = SHORT ? 4_000 : 20_000;
const DUPLICATE_SHARE = 0.2;
const IN_PROCESS_CONCURRENCY = 256;
const HTTP_CONNECTIONS = 64;

function diceFor(i: number): Record<string, unknown> {
  return {
    event: 'dice',
    callid: `bench-dice-${i}`,
    timestamp: new Date().toISOString().slice(0, 19),
    version: 1,
    result: 'ANSWERED',
    reason: 'CALLEEHANGUP',
    duration: 30 + (i % 90),
    debit: { currencyId: 'USD', amount: 0.0135 * (1 + (i % 3)) },
    userRate: { currencyId: 'USD', amount: 0.0135 },
    to: { type: 'number', endpoint: '+14155550123' },
    from: '+15550100001',
  };
}

// Every distinct event once, plus DUPLICATE_SHARE re-deliveries of events already sent, shuffled in.
function withDuplicates<T>(events: T[]): T[] {
  const out = [...events];
  const dupes = Math.floor(events.length * DUPLICATE_SHARE);
  for (let i = 0; i < dupes; i++) out.splice(Math.floor(((i * 7919) % out.length) + 1), 0, events[(i * 104_729) % events.length]);
  return out;
}

// DiCE ingestion into Postgres: each event verified (HTTP only), parsed, deduplicated and recorded, and its call
// row finalised with billing, with the registered DiCE follow-ups run. Two figures: the in-process inbox path
// (what Postgres and the batched ledger sustain) and the whole HTTP webhook on the same machine.
export async function run(): Promise<void> {
  const bench = await startBenchApp();
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  try {
    const followUps = bench.app.get(CallbackHandlers).hasFollowUps('dice');
    await db.query(
      `INSERT INTO calls (direction, kind, state, to_number, sinch_call_id, initiated_at)
       SELECT 'outbound', 'tts', 'answered', '+14155550123', 'bench-dice-' || g, now() FROM generate_series(0, $1 - 1) g`,
      [CALLS * 2],
    );
    await db.query('ANALYZE calls');

    // 1. In process: the inbox's micro-batched ledger write and follow-ups, no HTTP.
    const inbox = bench.app.get(EventInbox);
    const direct = withDuplicates(Array.from({ length: CALLS }, (_, i) => diceFor(i)));
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: IN_PROCESS_CONCURRENCY }, async () => {
        while (next < direct.length) {
          const event = parseCallbackEvent(direct[next++]);
          await inbox.accept(toLedgerEntry(event, new Date(), 'webhook', followUps), '');
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rows = await countRows(bench.databaseUrl, "SELECT count(*) AS n FROM call_events WHERE sinch_call_id LIKE 'bench-dice-%'");
    const finals = await countRows(bench.databaseUrl, "SELECT count(*) AS n FROM calls WHERE final_source = 'dice'");
    process.stdout.write(`DiCE ingestion, ${(DUPLICATE_SHARE * 100).toFixed(0)}% duplicates, follow-ups ${followUps ? 'on' : 'off'}\n`);
    process.stdout.write(
      `  in-process ${(direct.length / seconds).toFixed(0).padStart(6)} events/s (${direct.length} events in ${seconds.toFixed(2)} s; rows ${rows} = distinct ${CALLS}: ${rows === CALLS}; calls finalised ${finals})\n`,
    );

    // 2. Through HTTP: signed, verified, the same path as Sinch's deliveries.
    const httpEvents = withDuplicates(Array.from({ length: CALLS }, (_, i) => diceFor(CALLS + i))).map((e) => signedCallback(bench.app, e));
    const httpStarted = new Date();
    const http = await load(bench.url, WEBHOOK_PATH, httpEvents, { connections: HTTP_CONNECTIONS, count: httpEvents.length, maxSeconds: 20 });
    const httpRows = await countRows(bench.databaseUrl, "SELECT count(*) AS n FROM call_events WHERE sinch_call_id LIKE 'bench-dice-%'");
    process.stdout.write(`  webhook    ${fmt(http)}\n`);
    // The 200 comes before the follow-ups (they wait in a bounded lane): the sustained figure counts until the last
    // one is done, so a lane that only fills up does not pass for throughput.
    const drained = await followUpsDrained(bench.databaseUrl, httpStarted, 60);
    const sustained = drained === undefined ? 'not done in 60 s' : `${((http.requests - http.errors) / (http.seconds + drained)).toFixed(0)} events/s`;
    process.stdout.write(
      `             follow-ups all done ${drained === undefined ? 'n/a' : `${drained.toFixed(1)} s`} after the last answer: ${sustained} through the webhook with its follow-ups\n`,
    );
    const sentDistinct = new Set(httpEvents.slice(0, http.requests).map((e) => e.body)).size;
    process.stdout.write(
      `             rows ${httpRows - rows} = distinct events sent ${sentDistinct}: ${httpRows - rows === sentDistinct} (0 lost, 0 duplicated)\n`,
    );

    // 3. The anchor, same run: a naive Fastify handler doing one INSERT per event, the same deliveries.
    const naive = await startNaiveInsertServer(undefined);
    try {
      const anchor = await load(naive.url, WEBHOOK_PATH, httpEvents, { connections: HTTP_CONNECTIONS, count: httpEvents.length, maxSeconds: 20 });
      process.stdout.write(`  naive      ${fmt(anchor)}  (Fastify, one INSERT per event, no signature; ${await naive.rows()} rows)\n`);
      process.stdout.write(`  ratio      webhook / naive ${ratio(http.perSecond, anchor.perSecond)} (goal >= 2.5)\n`);
    } finally {
      await naive.close();
    }
  } finally {
    await db.end();
    await bench.close();
  }
}

// Seconds from now until no DiCE received since `since` is left with its follow-ups pending, or undefined past
// `limitS`. (The in-process part above records events without running their follow-ups: the sweeper's, later.)
async function followUpsDrained(databaseUrl: string, since: Date, limitS: number): Promise<number | undefined> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  while (elapsed() < limitS) {
    if (
      (await countRows(
        databaseUrl,
        `SELECT count(*) AS n FROM call_events WHERE kind = 'dice' AND processed_at IS NULL AND received_at >= '${since.toISOString()}'`,
      )) === 0
    )
      return elapsed();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
