import { randomUUID } from 'node:crypto';
import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { createOutboundRow, placeTtsCallout, sim, sql, uniqueSinchId, until } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';
import { waitFor } from './wait-for';

const PARK_NUMBER = '+15550100003';

describe('call log admin API (e2e)', () => {
  let t: TestApp;
  let unregister: () => void;

  beforeAll(async () => {
    t = await createTestApp();
    // A stand-in for the queues feature: callers to PARK_NUMBER wait on hold, so tests have a live call to act on.
    unregister = t.app.get(CallbackHandlers).register({
      name: 'test-park',
      ice: (event) => (event.to?.endpoint === PARK_NUMBER ? buildSvaml(svaml.park({ maxDuration: 600, holdPrompt: '#tts[Please hold]' })) : undefined),
    });
  });

  afterAll(async () => {
    unregister();
    await t.close();
  });

  async function parkedInboundCall(): Promise<{ id: string; sinchCallId: string }> {
    const { callId } = await sim(t, 'POST', '/_sim/inbound', { from: '+46701234567', to: PARK_NUMBER });
    await waitFor(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).parked === true, 10_000);
    const [row] = await until(() => sql(t, 'SELECT id FROM calls WHERE sinch_call_id = $1', [callId]).then((r) => (r.length ? r : undefined)));
    return { id: row.id, sinchCallId: callId };
  }

  describe('list and detail', () => {
    const campaignId = randomUUID();
    const number = '+46709990001';
    let ids: string[] = [];

    beforeAll(async () => {
      const base = Date.parse('2026-01-10T12:00:00Z');
      const rows: [string, string, string | null, string][] = [
        ['outbound', 'completed', 'ANSWERED', 'to'],
        ['outbound', 'busy', 'BUSY', 'to'],
        ['inbound', 'completed', 'ANSWERED', 'from'],
        ['outbound', 'queued', null, 'to'],
        ['outbound', 'no_answer', 'NOANSWER', 'to'],
      ];
      ids = [];
      for (const [i, [direction, state, result, side]] of rows.entries()) {
        const [row] = await sql(
          t,
          `INSERT INTO calls (direction, kind, state, result, from_number, to_number, campaign_id, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            direction,
            direction === 'inbound' ? 'inbound' : 'tts',
            state,
            result,
            side === 'from' ? number : '+15550100001',
            side === 'to' ? number : '+15550100001',
            campaignId,
            new Date(base + i * 60_000),
          ],
        );
        ids.push(row.id);
      }
    });

    it('filters by campaign, newest first, and pages with a cursor', async () => {
      const first = await t.request('GET', `/api/v1/calls?campaignId=${campaignId}&limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([ids[4], ids[3]]);
      const second = await t.request('GET', `/api/v1/calls?campaignId=${campaignId}&limit=2&cursor=${first.body.nextCursor}`);
      const third = await t.request('GET', `/api/v1/calls?campaignId=${campaignId}&limit=2&cursor=${second.body.nextCursor}`);
      expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
      expect(third.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
      expect(third.body.nextCursor).toBeNull();
    });

    it.each([
      ['state=completed', [2, 0]],
      ['direction=inbound', [2]],
      ['result=BUSY', [1]],
      [`number=${encodeURIComponent(number)}`, [4, 3, 2, 1, 0]],
      ['from=2026-01-10T12:01:00Z&to=2026-01-10T12:03:00Z', [2, 1]],
      ['state=completed&direction=outbound', [0]],
    ])('filters by %s', async (filter, expected) => {
      const res = await t.request('GET', `/api/v1/calls?campaignId=${campaignId}&${filter}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: { id: string }) => c.id)).toEqual(expected.map((i) => ids[i]));
    });

    it('shows a finished call with its billing and its callback timeline', async () => {
      const { id, sinchCallId } = await placeTtsCallout(t, '+46701234562');
      await waitFor(async () => (await t.request('GET', `/api/v1/calls/${id}`)).body.finalSource === 'dice', 15_000);
      const res = await t.request('GET', `/api/v1/calls/${id}`, { key: t.keys.reporting });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, sinchCallId, direction: 'outbound', state: 'completed', result: 'ANSWERED', country: 'SE' });
      expect(res.body.debit).toEqual({ amount: expect.stringMatching(/^\d+\.\d{6}$/), currency: 'USD' });
      expect(res.body.events.map((e: { kind: string }) => e.kind)).toEqual(['ace', 'dice']);
      expect(res.body.events[1].payload).toMatchObject({ event: 'dice', callid: sinchCallId });
    });

    it('an unknown call → 404', async () => {
      const res = await t.request('GET', `/api/v1/calls/${randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('call_not_found');
    });
  });

  describe('acting on a live call', () => {
    it('PATCH sends validated SVAML (say, then park) to Sinch', async () => {
      const { id, sinchCallId } = await parkedInboundCall();
      const res = await t.request('PATCH', `/api/v1/calls/${id}`, {
        key: t.keys.supervisor,
        body: { say: { text: 'An agent is coming', locale: 'en-US' }, park: { holdPrompt: '#tts[Still holding]', maxDuration: 120 } },
      });
      expect(res.status).toBe(202);
      expect(res.body.svaml).toEqual({
        instructions: [{ name: 'say', text: 'An agent is coming', locale: 'en-US' }],
        action: { name: 'park', holdPrompt: '#tts[Still holding]', maxDuration: 120 },
      });
      const patched = (await sim(t, 'GET', `/_sim/events?kind=rest&callId=${sinchCallId}`)).events.filter((e: { method: string }) => e.method === 'PATCH');
      expect(patched).toEqual([expect.objectContaining({ status: 204, request: res.body.svaml })]);

      const hangup = await t.request('POST', `/api/v1/calls/${id}/hangup`);
      expect(hangup.status).toBe(202);
      const row = await until(async () => (await sql(t, 'SELECT * FROM calls WHERE id = $1 AND final_source IS NOT NULL', [id]))[0], 10_000);
      expect(row).toMatchObject({ state: 'completed', reason: 'MANAGERHANGUP' });

      const again = await t.request('POST', `/api/v1/calls/${id}/hangup`);
      expect(again.status).toBe(409);
      expect((await t.request('PATCH', `/api/v1/calls/${id}`, { body: { hangup: true } })).status).toBe(409);
    });

    it('a call without a Sinch id yet → 409', async () => {
      const id = await createOutboundRow(t);
      const res = await t.request('POST', `/api/v1/calls/${id}/hangup`);
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('no Sinch call id');
      expect(res.body.code).toBe('call_not_at_sinch');
    });

    it('Sinch errors surface: 404 stays 404, others are 502 with the Sinch errorCode', async () => {
      const id = await createOutboundRow(t);
      await sql(t, "UPDATE calls SET sinch_call_id = $2, state = 'initiated' WHERE id = $1", [id, uniqueSinchId()]);
      const missing = await t.request('POST', `/api/v1/calls/${id}/hangup`);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toContain('40400');
      expect(missing.body.code).toBe('sinch_call_not_found');
      await sim(t, 'PUT', '/_sim/faults', { errorRate: 1, errorStatus: 503 });
      try {
        const down = await t.request('PATCH', `/api/v1/calls/${id}`, { body: { say: { text: 'hi' } } });
        expect(down.status).toBe(502);
        expect(down.body.message).toContain('50300');
        expect(down.body.code).toBe('sinch_refused');
      } finally {
        await sim(t, 'PUT', '/_sim/faults', {});
      }
    });
  });

  describe('validation and auth', () => {
    const someId = randomUUID();

    it.each([
      ['GET', '/api/v1/calls?state=ringing-ish', 'state'],
      ['GET', '/api/v1/calls?direction=sideways', 'direction'],
      ['GET', '/api/v1/calls?campaignId=nope', 'campaignId'],
      ['GET', '/api/v1/calls?number=0701234567', 'number'],
      ['GET', '/api/v1/calls?from=yesterday', 'from'],
      ['GET', '/api/v1/calls?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['GET', '/api/v1/calls?limit=0', 'limit'],
      ['GET', '/api/v1/calls?sort=id', 'sort'],
      ['GET', '/api/v1/calls/not-a-uuid', 'id'],
      ['POST', '/api/v1/calls/not-a-uuid/hangup', 'id'],
    ])('%s %s → 400 naming %s', async (method, path, field) => {
      const res = await t.request(method, path);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it.each([
      ['park.maxDuration', { park: { maxDuration: 601 } }],
      ['dtmf.digits', { dtmf: { digits: 'abc' } }],
      ['say.text', { say: { text: '' } }],
      ['say.text', { say: { text: 'x'.repeat(601) } }],
      ['say', { say: 'hello' }],
      ['play.files', { play: { files: [] } }],
      ['say.locale', { say: { text: 'hi', locale: 'English!' } }],
      ['connectPstn', { connectPstn: { number: '+46701234567' } }],
      ['hangup', { park: {}, hangup: true }],
      ['body', {}],
    ])('PATCH with a bad %s → 400 naming it, nothing sent to Sinch', async (field, body) => {
      const before = (await sim(t, 'GET', '/_sim/events?kind=rest')).lastSeq;
      const res = await t.request('PATCH', `/api/v1/calls/${someId}`, { body });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      const sent = (await sim(t, 'GET', `/_sim/events?kind=rest&since=${before}`)).events.filter((e: { method: string }) => e.method === 'PATCH');
      expect(sent).toEqual([]);
    });

    const endpoints = [
      ['GET', '/api/v1/calls', undefined],
      ['GET', `/api/v1/calls/${someId}`, undefined],
      ['POST', `/api/v1/calls/${someId}/hangup`, undefined],
      ['PATCH', `/api/v1/calls/${someId}`, { hangup: true }],
    ] as const;

    it.each(endpoints)('%s %s without a key → 401', async (method, path, body) => {
      expect((await t.request(method, path, { key: null, body })).status).toBe(401);
    });

    it.each(endpoints)('%s %s as agent → 403', async (method, path, body) => {
      expect((await t.request(method, path, { key: t.keys.agent, body })).status).toBe(403);
    });

    it.each(endpoints.slice(2))('%s %s as reporting → 403 (read-only role)', async (method, path, body) => {
      expect((await t.request(method, path, { key: t.keys.reporting, body })).status).toBe(403);
    });

    it('reporting and supervisor may read', async () => {
      expect((await t.request('GET', '/api/v1/calls', { key: t.keys.reporting })).status).toBe(200);
      expect((await t.request('GET', '/api/v1/calls', { key: t.keys.supervisor })).status).toBe(200);
    });
  });
});
