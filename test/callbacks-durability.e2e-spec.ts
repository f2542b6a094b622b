import { bodyTimestamp, createOutboundRow, diceBody, postCallback, sql, uniqueSinchId, until } from './callbacks-kit';
import { createTestAppWithOwnDatabase, type TestApp } from './test-app';
import { setDatabaseAccepting } from './test-env';
import { waitFor } from './wait-for';

describe('callbacks accepted while Postgres is down (e2e)', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await createTestAppWithOwnDatabase('outage');
    url = t.config.database.url;
  });

  afterAll(() => t.close());

  it('answers from memory, parks the events in Redis, and writes them all, in order, once Postgres is back', async () => {
    const outboundId = await createOutboundRow(t);
    const outbound = uniqueSinchId();
    const inbound = uniqueSinchId();
    await sql(t, "UPDATE calls SET sinch_call_id = $2, state = 'initiated' WHERE id = $1", [outboundId, outbound]);

    await setDatabaseAccepting(url, false);
    let restored = false;
    try {
      const ice = await postCallback(t, {
        event: 'ice',
        callid: inbound,
        timestamp: bodyTimestamp(),
        version: 1,
        cli: '+46701234567',
        to: { type: 'did', endpoint: '+15550100001' },
        domain: 'pstn',
      });
      expect(ice.status).toBe(200);
      expect(ice.body.action).toEqual({ name: 'hangup' });
      const ace = await postCallback(t, { event: 'ace', callid: outbound, timestamp: bodyTimestamp(), version: 1 });
      expect(ace.status).toBe(200);
      expect(ace.body).toEqual({ action: { name: 'continue' } });
      const outboundDice = diceBody(outbound, { duration: 30 });
      for (const body of [outboundDice, outboundDice, diceBody(inbound, { duration: 5 })]) {
        expect((await postCallback(t, body)).status).toBe(200);
      }
      const notify = await postCallback(t, { event: 'notify', callid: outbound, version: 1, type: 'recording_finished' });
      expect(notify.status).toBe(200);
      const metrics = await t.request('GET', '/metrics', { key: null });
      expect(metrics.text).toMatch(/sinch_callbacks_total\{event="dice",outcome="deferred"\} [1-9]/);

      await setDatabaseAccepting(url, true);
      restored = true;
    } finally {
      if (!restored) await setDatabaseAccepting(url, true);
    }

    const events = await until(async () => {
      const rows = await sql<{ sinch_call_id: string; kind: string; via: string }>(
        t,
        'SELECT sinch_call_id, kind, via FROM call_events WHERE sinch_call_id = ANY($1) ORDER BY received_at, kind',
        [[outbound, inbound]],
      );
      return rows.length >= 5 ? rows : undefined;
    }, 20_000);
    expect(events.filter((e) => e.sinch_call_id === outbound).map((e) => e.kind)).toEqual(['ace', 'dice', 'notify']);
    expect(events.filter((e) => e.sinch_call_id === inbound).map((e) => e.kind)).toEqual(['ice', 'dice']);
    expect(events.every((e) => e.via === 'redis')).toBe(true);

    const [outRow] = await sql(t, 'SELECT * FROM calls WHERE id = $1', [outboundId]);
    expect(outRow).toMatchObject({ state: 'completed', final_source: 'dice', duration_s: 30 });
    expect(outRow.answered_at).not.toBeNull();
    // The ICE reached Postgres before its DiCE, so the inbound row exists and is final.
    const [inRow] = await sql(t, 'SELECT * FROM calls WHERE sinch_call_id = $1', [inbound]);
    expect(inRow).toMatchObject({ direction: 'inbound', state: 'completed', final_source: 'dice', country: 'SE' });

    // Back on the direct path: a new event goes straight to Postgres once the queue has drained.
    const later = uniqueSinchId();
    await waitFor(async () => {
      await postCallback(t, diceBody(later, { timestamp: bodyTimestamp(new Date(Date.now() + Math.random())) }));
      const rows = await sql(t, "SELECT 1 FROM call_events WHERE sinch_call_id = $1 AND via = 'webhook'", [later]);
      return rows.length > 0;
    }, 10_000);
  });
});

// Redis unreachable from the start (start-up does not wait for it), then Postgres refusing connections too.
describe('callbacks when neither Postgres nor Redis can take them (e2e)', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await createTestAppWithOwnDatabase('no_store', { REDIS_URL: 'redis://127.0.0.1:1', APP_ROLE: 'api' });
    url = t.config.database.url;
  });

  afterAll(() => t.close());

  it('records callbacks in Postgres while only Redis is down', async () => {
    const callId = uniqueSinchId();
    expect((await postCallback(t, diceBody(callId))).status).toBe(200);
    const rows = await sql(t, 'SELECT kind FROM call_events WHERE sinch_call_id = $1', [callId]);
    expect(rows).toEqual([{ kind: 'dice' }]);
  });

  it('answers 503 (so nothing is silently lost) when neither store can take the event', async () => {
    const callId = uniqueSinchId();
    await setDatabaseAccepting(url, false);
    try {
      const res = await postCallback(t, diceBody(callId));
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    } finally {
      await setDatabaseAccepting(url, true);
    }
    await waitFor(async () => (await t.request('GET', '/health/ready', { key: null })).body.checks.postgres.status === 'up', 10_000);
    expect(await sql(t, 'SELECT 1 FROM call_events WHERE sinch_call_id = $1', [callId])).toEqual([]);
  });
});
