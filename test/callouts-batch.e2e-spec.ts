import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

// POST /api/v1/callouts/batch: validation naming calls[i].field (nothing stored), roles, idempotency, compliance
// refusals per item, and every accepted call placed once through the simulator and finalised by its DiCE. Also
// the single route's shared transaction: concurrent requests without a key each get their own answer.
describe('callout batches (e2e)', () => {
  let t: TestApp;
  let sim: SimClient;
  let db: DataSource;

  // Numbers of this suite only (the run's database is shared, and so is the frequency cap's count).
  const base = String(randomInt(1000, 10_000));
  let serial = 0;
  const number = (): string => `+46736${base}${String(serial++).padStart(2, '0')}`;
  const tts = (destination = number(), o: Record<string, unknown> = {}) => ({ type: 'tts', destination, text: 'Your parcel arrives today', ...o });
  const postBatch = (body: unknown, options: { key?: string | null; headers?: Record<string, string> } = {}) =>
    t.request('POST', '/api/v1/callouts/batch', { body, ...options });
  const callsTo = async (numbers: string[]): Promise<number> =>
    Number((await db.query('SELECT count(*)::int AS n FROM calls WHERE to_number = ANY($1)', [numbers]))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ FREQUENCY_CAP_CALLS: '2', SINCH_CALLOUTS_PER_SECOND: '50' });
    sim = new SimClient(t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('validation: every item checked before anything is stored', () => {
    it('names each broken item by its index and field, and stores none of the batch', async () => {
      const numbers = [number(), number(), number()];
      const res = await postBatch({
        calls: [
          tts(numbers[0]),
          tts('0701-23'),
          tts(numbers[1], { text: 'x'.repeat(601) }),
          { type: 'conference', destination: numbers[2] },
          { type: 'fax', destination: numbers[2] },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'invalid_callout' });
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'calls[1].destination', rule: 'isDialableNumber' }),
        expect.objectContaining({ field: 'calls[2].text', rule: 'maxLength' }),
        expect.objectContaining({ field: 'calls[3].conferenceId', rule: 'isDefined' }),
        expect.objectContaining({ field: 'calls[4].type', rule: 'isIn' }),
      ]);
      expect(res.body.message).toContain('calls[1].destination');
      expect(await callsTo(numbers)).toBe(0);
    });

    it('refuses a limit Sinch would refuse under the item it belongs to', async () => {
      const numbers = [number(), number()];
      const res = await postBatch({ calls: [tts(numbers[0]), tts(numbers[1], { custom: { note: 'x'.repeat(1010) } })] });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'calls[1].custom', rule: 'max_bytes' })]);
      expect(await callsTo(numbers)).toBe(0);
    });

    it.each([
      ['no calls', {}, 'calls', 'isArray'],
      ['calls that are not an array', { calls: { type: 'tts' } }, 'calls', 'isArray'],
      ['an empty batch', { calls: [] }, 'calls', 'arrayMinSize'],
      [
        'more than 1,000 calls',
        { calls: Array.from({ length: 1001 }, () => ({ type: 'tts', destination: '+46701234567', text: 'x' })) },
        'calls',
        'arrayMaxSize',
      ],
      ['an unknown field', { calls: [{ type: 'tts', destination: '+46701234567', text: 'x' }], priority: 'high' }, 'priority', 'unknown_field'],
      ['an array body', [{ type: 'tts', destination: '+46701234567', text: 'x' }], 'body', 'isObject'],
    ])('%s → 400 naming the field', async (_what, body, field, rule) => {
      const res = await postBatch(body);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field, rule })]);
    });
  });

  describe('roles', () => {
    it('401 without a valid key; 403 for agent and reporting; 202 for a supervisor', async () => {
      const body = { calls: [tts()] };
      expect((await postBatch(body, { key: null })).status).toBe(401);
      expect((await postBatch(body, { key: 'cck_not-a-real-key' })).status).toBe(401);
      expect((await postBatch(body, { key: t.keys.agent })).status).toBe(403);
      expect((await postBatch(body, { key: t.keys.reporting })).status).toBe(403);
      const supervisor = await postBatch(body, { key: t.keys.supervisor });
      expect(supervisor.status).toBe(202);
      expect(supervisor.body).toMatchObject({ accepted: 1, refused: 0 });
    });
  });

  describe('placing', () => {
    it('places every call of the batch once through Sinch, one result per item in order', async () => {
      const since = await sim.lastSeq();
      const numbers = Array.from({ length: 12 }, () => number());
      const calls = numbers.map((destination, i) =>
        i % 3 === 0
          ? tts(destination, { custom: { item: String(i) } })
          : i % 3 === 1
            ? { type: 'conference', destination, conferenceId: `batch-room-${base}` }
            : { type: 'custom', destination, ice: { instructions: [{ name: 'say', text: 'Connecting you' }] } },
      );
      const res = await postBatch({ calls });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: 12, refused: 0 });
      expect(res.body.results.map((r: { index: number }) => r.index)).toEqual(numbers.map((_, i) => i));
      expect(res.body.results.map((r: { type: string }) => r.type)).toEqual(calls.map((c) => c.type));
      for (const r of res.body.results) expect(r).toMatchObject({ state: 'queued', href: `/api/v1/calls/${r.id}` });
      const ids: string[] = res.body.results.map((r: { id: string }) => r.id);
      // Each row is for its item's number.
      const rows: { id: string; to_number: string }[] = await db.query('SELECT id, to_number FROM calls WHERE id = ANY($1)', [ids]);
      expect(new Map(rows.map((r) => [r.id, r.to_number]))).toEqual(new Map(ids.map((id, i) => [id, numbers[i]])));

      let states: { state: string; final_source: string | null; error_message: string | null }[] = [];
      await waitFor(
        async () => {
          states = await db.query('SELECT state, final_source, error_message FROM calls WHERE id = ANY($1)', [ids]);
          // The simulator picks each call's outcome (answered, busy, ...); every one ends with its DiCE.
          return states.length === ids.length && states.every((r) => r.final_source === 'dice');
        },
        30_000,
        () => `the batch calls were not all finalised by their DiCE: ${JSON.stringify(states)}`,
      );
      const sent = calloutsPerCall(await sim.callouts(since));
      expect(ids.map((id) => sent.get(id)?.length)).toEqual(ids.map(() => 1));
    });

    it('refuses the items compliance refuses (do-not-call, frequency cap within the batch) and places the rest', async () => {
      const [blocked, repeated, fine] = [number(), number(), number()];
      expect((await t.request('POST', '/api/v1/dnc', { body: { phone: blocked } })).status).toBe(201);
      // The cap is 2 calls per number: the third call to `repeated` in the same batch is refused.
      const res = await postBatch({ calls: [tts(repeated), tts(blocked), tts(repeated), tts(fine), tts(repeated)] });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: 3, refused: 2 });
      expect(res.body.results.map((r: { state: string }) => r.state)).toEqual(['queued', 'refused', 'queued', 'queued', 'refused']);
      expect(res.body.results[1]).toMatchObject({
        index: 1,
        error: { code: 'not_callable', field: 'calls[1].destination', rule: 'do_not_call', message: expect.stringContaining('do-not-call') },
      });
      expect(res.body.results[4]).toMatchObject({ index: 4, error: { field: 'calls[4].destination', rule: 'frequency_cap' } });
      expect(await callsTo([blocked])).toBe(0);
      expect(await callsTo([repeated])).toBe(2);
      expect(await callsTo([fine])).toBe(1);
    });
  });

  describe('Idempotency-Key', () => {
    it('a repeat answers the first answer and stores nothing; another body with the key is a 409', async () => {
      const key = `batch-${base}-${Date.now()}`;
      const numbers = [number(), number()];
      const body = { calls: numbers.map((n) => tts(n)) };
      const first = await postBatch(body, { headers: { 'idempotency-key': key } });
      expect(first.status).toBe(202);
      const again = await postBatch(body, { headers: { 'idempotency-key': key } });
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(await callsTo(numbers)).toBe(2);
      const other = await postBatch({ calls: [tts(numbers[0])] }, { headers: { 'idempotency-key': key } });
      expect(other.status).toBe(409);
      expect(other.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'idempotency_key_reused' })]);
    });
  });

  describe('the single route under concurrency (requests share a transaction)', () => {
    it('each request gets its own answer: a refused number is a 400 for its request only', async () => {
      const blocked = number();
      expect((await t.request('POST', '/api/v1/dnc', { body: { phone: blocked } })).status).toBe(201);
      const numbers = Array.from({ length: 20 }, () => number());
      const answers = await Promise.all([...numbers, blocked].map((n) => t.request('POST', '/api/v1/callouts', { body: tts(n) })));
      expect(answers.slice(0, 20).map((a) => a.status)).toEqual(numbers.map(() => 202));
      expect(new Set(answers.slice(0, 20).map((a) => a.body.id)).size).toBe(20);
      expect(answers[20].status).toBe(400);
      expect(answers[20].body.details).toEqual([expect.objectContaining({ field: 'destination', rule: 'do_not_call' })]);
      const rows: { id: string; to_number: string }[] = await db.query('SELECT id, to_number FROM calls WHERE to_number = ANY($1)', [numbers]);
      expect(new Map(rows.map((r) => [r.id, r.to_number]))).toEqual(new Map(answers.slice(0, 20).map((a, i) => [a.body.id, numbers[i]])));
    });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await t.request('GET', '/docs-json', { key: null });
    const op = doc.body.paths['/api/v1/callouts/batch'].post;
    expect(op.requestBody.content['application/json'].schema.properties.calls).toMatchObject({ maxItems: 1000, items: { oneOf: expect.any(Array) } });
    expect(op.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CalloutBatchResponse' });
    expect(op.description).toMatch(/^Roles: admin, supervisor/);
  });
});
