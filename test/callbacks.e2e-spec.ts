import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { encodeCallCustom } from 'src/calls/call-custom';
import { SinchCredentials } from 'src/sinch/sinch.module';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { bodyTimestamp, createOutboundRow, diceBody, placeTtsCallout, postCallback, type SignOptions, sim, sql, uniqueSinchId, until } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

const eventsOf = (t: TestApp, sinchCallId: string) =>
  sql<{ kind: string; via: string }>(t, 'SELECT kind, via FROM call_events WHERE sinch_call_id = $1 ORDER BY received_at', [sinchCallId]);
const callRow = async (t: TestApp, id: string) => (await sql(t, 'SELECT * FROM calls WHERE id = $1', [id]))[0];

describe('Sinch callbacks (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('a tts callout ends with the exact billing the simulator reports', async () => {
    const { id, sinchCallId } = await placeTtsCallout(t, '+46701234561');
    const row = await until(async () => {
      const r = await callRow(t, id);
      return r.final_source ? r : undefined;
    }, 15_000);
    const simCall = await sim(t, 'GET', `/_sim/calls/${sinchCallId}`);
    // The simulator logs a callback once our answer is back: the row can be final a moment before the log has it.
    const diceEvent = await until(async () => (await sim(t, 'GET', `/_sim/events?kind=callback&callId=${sinchCallId}&event=dice`)).events[0], 5_000);
    const dice = diceEvent.request;
    expect(row).toMatchObject({
      sinch_call_id: sinchCallId,
      state: 'completed',
      result: simCall.result,
      reason: simCall.reason,
      duration_s: simCall.durationS,
      final_source: 'dice',
      country: 'SE',
    });
    // numeric(18,6) keeps the exact decimal; compared as numbers of micro-units, never as floats.
    expect(Number(row.debit_amount) * 1e6).toBeCloseTo(Number(simCall.debit) * 1e6, 6);
    expect(row.debit_amount).toBe(Number(dice.debit.amount).toFixed(6));
    expect(row.rate_amount).toBe(Number(simCall.perMinute).toFixed(6));
    expect(row.debit_currency).toBe(dice.debit.currencyId);
    expect(row.rate_currency).toBe(dice.userRate.currencyId);
    expect(row.answered_at).not.toBeNull();
    expect((await eventsOf(t, sinchCallId)).map((e) => e.kind)).toEqual(['ace', 'dice']);
  });

  it('ten deliveries of the same DiCE leave one event and one billing record', async () => {
    const id = await createOutboundRow(t);
    const sinchCallId = uniqueSinchId();
    const body = diceBody(sinchCallId, { custom: encodeCallCustom(id) });
    const responses = await Promise.all(Array.from({ length: 10 }, () => postCallback(t, body)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.every((r) => r.text === '')).toBe(true);
    expect(await eventsOf(t, sinchCallId)).toHaveLength(1);
    const row = await callRow(t, id);
    expect(row).toMatchObject({ sinch_call_id: sinchCallId, state: 'completed', duration_s: 42, debit_amount: '0.012300', debit_currency: 'EUR' });
    const metrics = await t.request('GET', '/metrics', { key: null });
    expect(metrics.text).toMatch(/sinch_callbacks_total\{event="dice",outcome="duplicate"\} (9|[1-9]\d+)/);
  });

  it.each<[string, SignOptions]>([
    ['forged (wrong secret)', { secret: Buffer.from('not the secret at all').toString('base64') }],
    ['signed with an unknown key', { key: 'someone-else' }],
    ['tampered after signing', { sendBody: 'TAMPER' }],
    ['stale (an hour old)', { at: new Date(Date.now() - 3600_000) }],
    ['unsigned', { unsigned: true }],
  ])('%s → 401 and nothing stored', async (_name, options) => {
    const sinchCallId = uniqueSinchId();
    const body = diceBody(sinchCallId);
    const sendBody = options.sendBody === 'TAMPER' ? JSON.stringify({ ...body, duration: 1 }) : undefined;
    const res = await postCallback(t, body, { ...options, sendBody });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(await eventsOf(t, sinchCallId)).toHaveLength(0);
  });

  it('accepts the previous secret during a rotation only when configured (the current one always)', async () => {
    const current = t.app.get(SinchCredentials).current;
    const previous = { key: current.applicationKey, secret: Buffer.from('the secret before the rotation').toString('base64') };
    // Not configured: the previous secret is just a wrong one.
    const refused = uniqueSinchId();
    expect((await postCallback(t, diceBody(refused), previous)).status).toBe(401);
    expect(await eventsOf(t, refused)).toHaveLength(0);
    expect((await postCallback(t, diceBody(uniqueSinchId()), { secret: current.applicationSecret })).status).toBe(200);

    const rotating = await createTestApp({ SINCH_PREVIOUS_APPLICATION_KEY: previous.key, SINCH_PREVIOUS_APPLICATION_SECRET: previous.secret });
    try {
      const accepted = uniqueSinchId();
      expect((await postCallback(rotating, diceBody(accepted), previous)).status).toBe(200);
      expect(await eventsOf(rotating, accepted)).toHaveLength(1);
      expect((await postCallback(rotating, diceBody(uniqueSinchId()))).status).toBe(200);
    } finally {
      await rotating.close();
    }
  });

  it('a DiCE whose ACE never came still finalises, and the late ACE does not reopen the call', async () => {
    const id = await createOutboundRow(t);
    const sinchCallId = uniqueSinchId();
    await sql(t, "UPDATE calls SET sinch_call_id = $2, state = 'initiated' WHERE id = $1", [id, sinchCallId]);
    expect(
      (await postCallback(t, diceBody(sinchCallId, { result: 'NOANSWER', reason: 'TIMEOUT', duration: undefined, debit: { currencyId: 'EUR', amount: 0 } })))
        .status,
    ).toBe(200);
    const ace = await postCallback(t, { event: 'ace', callid: sinchCallId, timestamp: bodyTimestamp(), version: 1 });
    expect(ace.status).toBe(200);
    expect(ace.body).toEqual({ action: { name: 'continue' } });
    expect(await callRow(t, id)).toMatchObject({ state: 'no_answer', result: 'NOANSWER', reason: 'TIMEOUT', final_source: 'dice', answered_at: null });
    expect((await eventsOf(t, sinchCallId)).map((e) => e.kind)).toEqual(['dice', 'ace']);
  });

  it('a DiCE for a row without its Sinch id yet is matched through custom, and stores the id', async () => {
    const id = await createOutboundRow(t);
    const sinchCallId = uniqueSinchId();
    await postCallback(t, diceBody(sinchCallId, { custom: encodeCallCustom(id, { k: 'x' }) }));
    expect(await callRow(t, id)).toMatchObject({ sinch_call_id: sinchCallId, state: 'completed', final_source: 'dice' });
  });

  it('an inbound call nobody claims: inbound row, polite default answer, finalised by its DiCE', async () => {
    const { callId } = await sim(t, 'POST', '/_sim/inbound', { from: '+447400123456', to: '+15550100002' });
    const row = await until(async () => (await sql(t, 'SELECT * FROM calls WHERE sinch_call_id = $1 AND final_source IS NOT NULL', [callId]))[0], 15_000);
    expect(row).toMatchObject({
      direction: 'inbound',
      kind: 'inbound',
      from_number: '+447400123456',
      to_number: '+15550100002',
      country: 'GB',
      state: 'completed',
    });
    const ice = (await sim(t, 'GET', `/_sim/events?kind=callback&callId=${callId}&event=ice`)).events[0];
    expect(ice.response).toEqual({ instructions: [{ name: 'say', text: t.config.callbacks.defaultIceMessage }], action: { name: 'hangup' } });
  });

  it('a registered handler answers the ICE of its number; one that answers invalid SVAML is skipped', async () => {
    const handlers = t.app.get(CallbackHandlers);
    const broken = handlers.register({ name: 'broken', priority: 1, ice: () => buildSvaml(svaml.continue()) });
    const parking = handlers.register({
      name: 'test-queue',
      ice: (event) => (event.to?.endpoint === '+15550100003' ? buildSvaml(svaml.park({ maxDuration: 60, holdPrompt: '#tts[Please hold]' })) : undefined),
    });
    try {
      const sinchCallId = uniqueSinchId();
      const ice = {
        event: 'ice',
        callid: sinchCallId,
        timestamp: bodyTimestamp(),
        version: 1,
        cli: '+46701234599',
        to: { type: 'did', endpoint: '+15550100003' },
        domain: 'pstn',
      };
      const res = await postCallback(t, ice);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ action: { name: 'park', maxDuration: 60, holdPrompt: '#tts[Please hold]' } });
      expect((await sql(t, 'SELECT direction, state FROM calls WHERE sinch_call_id = $1', [sinchCallId]))[0]).toEqual({
        direction: 'inbound',
        state: 'ringing',
      });
    } finally {
      broken();
      parking();
    }
  });

  it('a signed body that is not a callback → 400 naming the field, nothing stored', async () => {
    const sinchCallId = uniqueSinchId();
    const missingId = await postCallback(t, { event: 'dice', timestamp: bodyTimestamp(), result: 'ANSWERED' });
    expect(missingId.status).toBe(400);
    expect(missingId.body.details).toEqual([expect.objectContaining({ field: 'callId' })]);
    const badMoney = await postCallback(t, diceBody(sinchCallId, { debit: { currencyId: 'EUR', amount: 'lots' } }));
    expect(badMoney.status).toBe(400);
    expect(badMoney.body.details).toEqual([expect.objectContaining({ field: 'debit' })]);
    const unknownEvent = await postCallback(t, { event: 'xyz', callid: sinchCallId });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.details).toEqual([expect.objectContaining({ field: 'event' })]);
    expect(await eventsOf(t, sinchCallId)).toHaveLength(0);
  });

  it('exposes callback metrics: outcomes and handling latency', async () => {
    const res = await t.request('GET', '/metrics', { key: null });
    expect(res.text).toMatch(/sinch_callbacks_total\{event="unknown",outcome="rejected_signature"\} [1-9]/);
    expect(res.text).toMatch(/sinch_callbacks_total\{event="unknown",outcome="invalid"\} [1-9]/);
    expect(res.text).toMatch(/sinch_callbacks_total\{event="ace",outcome="accepted"\} [1-9]/);
    expect(res.text).toMatch(/sinch_callback_handling_seconds_count\{event="dice"\} [1-9]/);
    expect(res.text).toMatch(/calls_finalised_total\{state="completed",source="dice"\} [1-9]/);
  });
});
