import { bodyTimestamp, createOutboundRow, diceBody, postCallback, sql, uniqueSinchId, until } from './callbacks-kit';
import { createTestAppWithOwnDatabase, type TestApp } from './test-app';
import { setDatabaseAccepting } from './test-env';
import { waitFor } from './wait-for';

// Signed callbacks Postgres cannot store as they are, sent in one burst with good ones: the good ones are all
// stored and processed, the bad ones end in callback_dead_letters, nothing is diverted to Redis.
describe('poisoned callbacks among good ones (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A database of its own: the test adds a constraint to call_events.
    t = await createTestAppWithOwnDatabase('poisoned');
  });

  afterAll(() => t.close());

  async function outboundCall(): Promise<{ id: string; sinchId: string }> {
    const id = await createOutboundRow(t);
    const sinchId = uniqueSinchId();
    await sql(t, "UPDATE calls SET sinch_call_id = $2, state = 'initiated' WHERE id = $1", [id, sinchId]);
    return { id, sinchId };
  }

  it('stores and processes the good ones, dead-letters the bad ones, defers nothing', async () => {
    // A rule our column checks do not know about: Postgres itself refuses the row, inside a batch of good ones.
    await sql(t, "ALTER TABLE call_events ADD CONSTRAINT ck_e2e_refuse CHECK (payload->>'e2eRefuse' IS NULL)");
    const good = await Promise.all(Array.from({ length: 12 }, () => outboundCall()));
    const billed = await outboundCall();
    const nulCaller = uniqueSinchId();
    const surrogate = await outboundCall();
    const refused = await outboundCall();

    const ts = bodyTimestamp();
    const nulIce = JSON.stringify({
      event: 'ice',
      callid: nulCaller,
      timestamp: ts,
      version: 1,
      cli: '+4670\u00001234567',
      to: { type: 'did', endpoint: '+15550100001' },
      domain: 'pstn',
    });
    expect(nulIce).toContain('\\u0000');
    // The lone surrogate exactly as a client would write it: a JSON escape in the raw bytes.
    const surrogateAce = `{"event":"ace","callid":"${surrogate.sinchId}","timestamp":"${ts}","version":1,"custom":"x\\ud800y"}`;
    const hugeDebit = JSON.stringify(diceBody(billed.sinchId, { debit: { currencyId: 'EUR', amount: 1e30 } }));
    const refusedDice = JSON.stringify(diceBody(refused.sinchId, { e2eRefuse: 'yes' }));

    const burst = [...good.map((c) => JSON.stringify(diceBody(c.sinchId, { duration: 7 }))), nulIce, surrogateAce, hugeDebit, refusedDice].sort(
      () => Math.random() - 0.5,
    );
    const answers = await Promise.all(burst.map((body) => postCallback(t, body)));
    expect(answers.map((a) => a.status)).toEqual(burst.map(() => 200));

    // Good: stored straight in Postgres, processed, calls finalised with their billing.
    const rows = await sql(t, 'SELECT id, state, final_source, duration_s, debit_amount FROM calls WHERE id = ANY($1)', [good.map((c) => c.id)]);
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toMatchObject({ state: 'completed', final_source: 'dice', duration_s: 7, debit_amount: '0.012300' });
    const events = await sql(t, 'SELECT via FROM call_events WHERE sinch_call_id = ANY($1)', [good.map((c) => c.sinchId)]);
    expect(events).toHaveLength(12);
    expect(events.every((e) => e.via === 'webhook')).toBe(true);
    // Their follow-ups run after the 200: done soon after.
    const processed = `SELECT count(*)::int AS n FROM call_events WHERE sinch_call_id = ANY($1) AND processed_at IS NOT NULL`;
    await until(async () => (await sql(t, processed, [good.map((c) => c.sinchId)]))[0].n === 12);

    // Bad: kept aside with the field and reason, once each.
    const letters = await sql(t, 'SELECT kind, sinch_call_id, field, reason, body FROM callback_dead_letters ORDER BY created_at');
    const bySinchId = (id: string) => letters.filter((l) => l.sinch_call_id === id);
    expect(bySinchId(nulCaller)).toEqual([expect.objectContaining({ kind: 'ice', field: 'cli', reason: expect.stringMatching(/NUL/) })]);
    expect(bySinchId(nulCaller)[0].body).toContain('+4670\\u00001234567');
    expect(bySinchId(surrogate.sinchId)).toEqual([expect.objectContaining({ kind: 'ace', field: 'custom', reason: expect.stringMatching(/surrogate/) })]);
    expect(bySinchId(refused.sinchId)).toEqual([
      expect.objectContaining({ kind: 'dice', field: null, reason: expect.stringMatching(/^23514: .*ck_e2e_refuse/) }),
    ]);
    expect(await sql(t, 'SELECT 1 FROM call_events WHERE sinch_call_id = ANY($1)', [[nulCaller, surrogate.sinchId, refused.sinchId]])).toEqual([]);

    // Money out of range: the call is final, its debit is not recorded, and the call says why.
    const [billedRow] = await sql(t, 'SELECT state, final_source, debit_amount, error_message FROM calls WHERE id = $1', [billed.id]);
    expect(billedRow).toMatchObject({ state: 'completed', final_source: 'dice', debit_amount: null });
    expect(billedRow.error_message).toMatch(
      /^Billing not recorded: debit\.amount 1000000000000000000000000000000 EUR does not fit numeric\(18,6\) \(dead letter [0-9a-f-]{36}\)$/,
    );
    expect(bySinchId(billed.sinchId)).toEqual([expect.objectContaining({ kind: 'dice', field: 'debit.amount' })]);

    const metrics = (await t.request('GET', '/metrics', { key: null })).text;
    expect(metrics).toMatch(/sinch_callbacks_dead_lettered_total\{event="dice",reason="billing_out_of_range"\} 1\n/);
    expect(metrics).toMatch(/sinch_callbacks_dead_lettered_total\{event="ice",reason="unstorable_text"\} 1\n/);
    expect(metrics).toMatch(/sinch_callbacks_dead_lettered_total\{event="ace",reason="unstorable_text"\} 1\n/);
    expect(metrics).toMatch(/sinch_callbacks_dead_lettered_total\{event="dice",reason="refused_by_database"\} 1\n/);
    expect(metrics).toMatch(/sinch_callbacks_total\{event="dice",outcome="accepted"\} 13\n/);
    expect(metrics).not.toMatch(/outcome="deferred"/);
    expect(await sql(t, "SELECT 1 FROM call_events WHERE via = 'redis'")).toEqual([]);

    // A re-delivery of a dead-lettered event is the same dead letter, and callbacks keep going straight to Postgres.
    expect((await postCallback(t, nulIce)).status).toBe(200);
    expect(await sql(t, 'SELECT 1 FROM callback_dead_letters WHERE sinch_call_id = $1', [nulCaller])).toHaveLength(1);
    const after = await outboundCall();
    expect((await postCallback(t, diceBody(after.sinchId))).status).toBe(200);
    expect(await sql(t, 'SELECT via FROM call_events WHERE sinch_call_id = $1', [after.sinchId])).toEqual([{ via: 'webhook' }]);
  });

  it('checks a callback deferred to Redis during an outage again when the worker replays it: dead-lettered, the good one stored', async () => {
    const url = t.config.database.url;
    const good = await outboundCall();
    const bad = uniqueSinchId();
    await setDatabaseAccepting(url, false);
    let restored = false;
    try {
      const badIce = JSON.stringify({
        event: 'ice',
        callid: bad,
        timestamp: bodyTimestamp(),
        version: 1,
        cli: 'x\u0000',
        to: { type: 'did', endpoint: '+15550100001' },
      });
      // While Postgres is unreachable the dead letter cannot be written either: the event waits in Redis like any other.
      expect((await postCallback(t, badIce)).status).toBe(200);
      expect((await postCallback(t, diceBody(good.sinchId))).status).toBe(200);
      await setDatabaseAccepting(url, true);
      restored = true;
    } finally {
      if (!restored) await setDatabaseAccepting(url, true);
    }
    await waitFor(async () => (await sql(t, 'SELECT 1 FROM callback_dead_letters WHERE sinch_call_id = $1', [bad])).length === 1, 20_000);
    await waitFor(async () => (await sql(t, "SELECT 1 FROM call_events WHERE sinch_call_id = $1 AND via = 'redis'", [good.sinchId])).length === 1, 20_000);
    expect(await sql(t, 'SELECT 1 FROM call_events WHERE sinch_call_id = $1', [bad])).toEqual([]);
    const metrics = (await t.request('GET', '/metrics', { key: null })).text;
    expect(metrics).toMatch(/sinch_callbacks_total\{event="ice",outcome="deferred"\} 1\n/);
  });
});
