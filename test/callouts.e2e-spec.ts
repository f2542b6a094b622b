import { DataSource } from 'typeorm';
import { EMBEDDED_SIMULATOR } from 'src/sinch/sinch.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

const FINAL = ['completed', 'busy', 'no_answer', 'failed', 'cancelled'];

interface CallRow {
  id: string;
  state: string;
  sinch_call_id: string | null;
  dial_attempts: number;
  dial_started_at: Date | null;
  error_code: number | null;
  error_message: string | null;
  final_source: string | null;
}

describe('callouts (e2e)', () => {
  let t: TestApp;
  let sim: SimClient;
  let db: DataSource;

  const callRows = async (ids: string[]): Promise<CallRow[]> =>
    db.query('SELECT id, state, sinch_call_id, dial_attempts, dial_started_at, error_code, error_message, final_source FROM calls WHERE id = ANY($1)', [ids]);
  const callRow = async (id: string): Promise<CallRow> => (await callRows([id]))[0];
  const countCalls = async (): Promise<number> => Number((await db.query('SELECT count(*)::int AS n FROM calls'))[0].n);
  const post = (body: unknown, options: { key?: string | null; headers?: Record<string, string> } = {}) =>
    t.request('POST', '/api/v1/callouts', { body, ...options });
  const tts = (o: Record<string, unknown> = {}) => ({ type: 'tts', destination: '+46701234567', text: 'Your order has shipped', ...o });
  const waitFinal = (id: string, timeoutMs = 15_000) =>
    waitFor(async () => {
      const row = await callRow(id);
      return FINAL.includes(row.state) && row.final_source !== null ? row : undefined;
    }, timeoutMs, () => `call ${id} not finalised by a DiCE`);

  beforeAll(async () => {
    t = await createTestApp({ CALLOUT_RETRY_BASE_MS: '100', SINCH_CALLOUTS_PER_SECOND: '10' });
    sim = new SimClient(t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  afterEach(async () => {
    await sim.clearFaults();
  });

  describe('validation: every rule checked before anything is queued', () => {
    it.each([
      ['an unknown type', { type: 'fax', destination: '+46701234567' }, 'type', 'isIn'],
      ['a malformed number', tts({ destination: '0701-23' }), 'destination', 'isDialableNumber'],
      ['a number that is not dialable', tts({ destination: '+4670' }), 'destination', 'isDialableNumber'],
      ['text over 600 characters', tts({ text: 'x'.repeat(601) }), 'text', 'maxLength'],
      ['neither text nor prompts', tts({ text: undefined }), 'text', 'isString'],
      ['a conferenceId over 64 characters', { type: 'conference', destination: '+46701234567', conferenceId: 'c'.repeat(65) }, 'conferenceId', 'maxLength'],
      ['a conference without conferenceId', { type: 'conference', destination: '+46701234567' }, 'conferenceId', 'isDefined'],
      ['a field of another type', tts({ conferenceId: 'room' }), 'conferenceId', 'unknown_field'],
      ['a bad DTMF string', tts({ dtmf: '12a' }), 'dtmf', 'matches'],
      ['maxDuration over 14400 s', { type: 'conference', destination: '+46701234567', conferenceId: 'r', maxDuration: 14_401 }, 'maxDuration', 'max'],
      ['custom data too large for Sinch', tts({ custom: { note: 'x'.repeat(1010) } }), 'custom', 'max_bytes'],
      ['custom data under a reserved key', tts({ custom: { _rec: 'x' } }), 'custom', 'reserved_key'],
      ['an ICE action that does not dial', { type: 'custom', destination: '+46701234567', ice: { action: { name: 'park' } } }, 'ice.action.name', 'connect_pstn_only'],
      [
        'an ICE say over 600 characters',
        { type: 'custom', destination: '+46701234567', ice: { instructions: [{ name: 'say', text: 'x'.repeat(601) }] } },
        'ice.instructions[0].text',
        'max_length',
      ],
      ['an ACE action not allowed there', { type: 'custom', destination: '+46701234567', ace: { action: { name: 'park' } } }, 'ace.action.name', 'not_allowed_in_context'],
    ])('%s → 400 naming the field and rule', async (_what, body, field, rule) => {
      const before = await countCalls();
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      expect(await countCalls()).toBe(before);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      const res = await post(tts(), { headers: { 'idempotency-key': 'has spaces in it' } });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    });
  });

  describe('auth', () => {
    it('401 without a key or with a wrong one', async () => {
      expect((await post(tts(), { key: null })).status).toBe(401);
      expect((await post(tts(), { key: 'cck_not-a-real-key' })).status).toBe(401);
    });

    it.each(['agent', 'reporting'] as const)('403 for the %s role', async (role) => {
      const res = await post(tts(), { key: t.keys[role] });
      expect(res.status).toBe(403);
    });

    it('the queue dashboard is for admins only', async () => {
      const page = (key: string | null) => t.request('GET', '/admin/queues', { key });
      expect((await page(null)).status).toBe(401);
      expect((await page('cck_wrong')).status).toBe(401);
      expect((await page(t.keys.supervisor)).status).toBe(403);
      const ok = await page(t.keys.admin);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('<html');
      const api = await t.request('GET', '/admin/queues/api/queues', { key: t.keys.admin });
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toContain('callouts');
    });
  });

  describe('placing calls', () => {
    it.each([
      ['tts', tts({ custom: { orderId: 'A-1' } })],
      ['conference', { type: 'conference', destination: '+14155550100', conferenceId: 'standup', greeting: 'Welcome', moh: 'music1' }],
      ['custom', { type: 'custom', destination: '+447911123456', cli: '+14155550101', ice: { instructions: [{ name: 'say', text: 'Connecting you' }] } }],
    ])('a %s callout is placed once and finalised by its DiCE', async (type, body) => {
      const since = await sim.lastSeq();
      const supervisor = await post(body, { key: t.keys.supervisor });
      expect(supervisor.status).toBe(202);
      expect(supervisor.body).toMatchObject({ state: 'queued', type, href: `/api/v1/calls/${supervisor.body.id}` });
      const id: string = supervisor.body.id;
      const row = await waitFinal(id);
      expect(row.final_source).toBe('dice');
      const mine = calloutsPerCall(await sim.callouts(since)).get(id) ?? [];
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ status: 200, sinchCallId: row.sinch_call_id });
      expect(row.dial_attempts).toBe(1);
      const api = await t.request('GET', supervisor.body.href);
      expect(api.body).toMatchObject({ id, kind: type, sinchCallId: row.sinch_call_id });
    });
  });
});
