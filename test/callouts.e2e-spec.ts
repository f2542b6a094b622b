import { DataSource } from 'typeorm';
import { CalloutRequestMethod1795480000000 } from '../migrations/1795480000000-callout-request-method';
import { CalloutsService, type PlaceCall } from 'src/callouts/callouts.service';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { toStoredCallout } from 'src/callouts/stored-callout';
import { CallsService } from 'src/calls/calls.service';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

// waitFor for a condition that answers its value once it holds.
const waitForValue = async <T>(condition: () => Promise<T | undefined>, timeoutMs: number, describe?: () => string): Promise<T> =>
  (await waitFor(condition, timeoutMs, describe)) as T;

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
  const tts = (o: Record<string, unknown> = {}) => ({ type: 'tts', destination: '+46701234560', text: 'Your order has shipped', ...o });
  const waitFinal = (id: string, timeoutMs = 15_000) =>
    waitForValue(
      async () => {
        const row = await callRow(id);
        return FINAL.includes(row.state) && row.final_source !== null ? row : undefined;
      },
      timeoutMs,
      () => `call ${id} not finalised by a DiCE`,
    );

  beforeAll(async () => {
    // A 1 s sweep so a call left without a job is picked up within the test. These tests call the same numbers
    // many times: the frequency cap (its own spec: compliance.e2e-spec.ts) is set out of their way.
    t = await createTestApp({
      FREQUENCY_CAP_CALLS: '1000',
      CALLOUT_RETRY_BASE_MS: '100',
      SINCH_CALLOUTS_PER_SECOND: '10',
      SINCH_REQUEST_TIMEOUT_MS: '1500',
      CALLOUT_SWEEP_INTERVAL_S: '1',
      CALLOUT_REQUEUE_AFTER_S: '1',
    });
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
      [
        'an ICE action that does not dial',
        { type: 'custom', destination: '+46701234567', ice: { action: { name: 'park' } } },
        'ice.action.name',
        'connect_pstn_only',
      ],
      [
        'an ICE say over 600 characters',
        { type: 'custom', destination: '+46701234567', ice: { instructions: [{ name: 'say', text: 'x'.repeat(601) }] } },
        'ice.instructions[0].text',
        'max_length',
      ],
      [
        'an ACE action not allowed there',
        { type: 'custom', destination: '+46701234567', ace: { action: { name: 'park' } } },
        'ace.action.name',
        'not_allowed_in_context',
      ],
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

    it('the jobs dashboard is for admins only', async () => {
      const page = (key: string | null) => t.request('GET', '/admin/jobs', { key });
      expect((await page(null)).status).toBe(401);
      expect((await page('cck_wrong')).status).toBe(401);
      expect((await page(t.keys.supervisor)).status).toBe(403);
      const ok = await page(t.keys.admin);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('<html');
      // bull-board's own API path ("api/queues") under our prefix; every job queue of the app is listed.
      const api = await t.request('GET', '/admin/jobs/api/queues', { key: t.keys.admin });
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
        'budgets',
        'callback-inbox',
        'callouts',
        'campaign-dialer',
        'numbers',
        'queues',
        'reconciler',
        'recordings',
        'rollups',
      ]);
      // "Queue" is left to inbound call queues: the old path is gone.
      expect((await t.request('GET', '/admin/queues', { key: t.keys.admin })).status).toBe(404);
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
      expect(row).toMatchObject({ state: 'completed', final_source: 'dice' });
      const mine = calloutsPerCall(await sim.callouts(since)).get(id) ?? [];
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ status: 200, sinchCallId: row.sinch_call_id });
      expect(row.dial_attempts).toBe(1);
      const api = await t.request('GET', supervisor.body.href);
      expect(api.body).toMatchObject({ id, kind: type, sinchCallId: row.sinch_call_id });
    });

    it.each([
      ['tts', tts({ record: true })],
      ['conference', { type: 'conference', destination: '+14155550100', conferenceId: 'recorded-room', moh: 'music2', record: true }],
      ['custom', { type: 'custom', destination: '+14155550100', record: true }],
    ])('a recorded %s callout starts recording once answered', async (_type, body) => {
      const res = await post(body);
      expect(res.status).toBe(202);
      const row = await waitFinal(res.body.id);
      const simCall = (await fetch(`${sim.url}/_sim/calls/${row.sinch_call_id}`).then((r) => r.json())) as { history: { what: string }[] };
      expect(simCall.history.map((h) => h.what)).toEqual(expect.arrayContaining(['answered', 'recording started']));
    });
  });

  describe('retries and failures', () => {
    it('429 then 503 then success: placed exactly once, every attempt visible on the call', async () => {
      const since = await sim.lastSeq();
      await sim.setFaults({ sequence: [429, 503], retryAfterS: 1 });
      const res = await post(tts());
      expect(res.status).toBe(202);
      const row = await waitFinal(res.body.id);
      const mine = calloutsPerCall(await sim.callouts(since)).get(res.body.id) ?? [];
      expect(mine.map((c) => c.status)).toEqual([429, 503, 200]);
      // Retry-After (1 s) was honoured both times.
      expect(mine[1].arrivedAt - mine[0].arrivedAt).toBeGreaterThanOrEqual(950);
      expect(mine[2].arrivedAt - mine[1].arrivedAt).toBeGreaterThanOrEqual(950);
      expect(row).toMatchObject({ dial_attempts: 3, sinch_call_id: mine[2].sinchCallId, error_code: 50300, final_source: 'dice' });
    });

    it('a 400 from Sinch fails the call at once with its errorCode', async () => {
      const since = await sim.lastSeq();
      await sim.setFaults({ sequence: [400] });
      const res = await post(tts());
      const row = await waitForValue(async () => {
        const r = await callRow(res.body.id);
        return r.state === 'failed' ? r : undefined;
      }, 10_000);
      expect(row).toMatchObject({ dial_attempts: 1, error_code: 40000, sinch_call_id: null, final_source: null });
      expect(row.error_message).toMatch(/400/);
      expect(calloutsPerCall(await sim.callouts(since)).get(res.body.id)).toHaveLength(1);
    });

    it('a timed-out callout is not sent again: Sinch placed it, and its DiCE finds the row through custom', async () => {
      const since = await sim.lastSeq();
      // Sinch answers after our 1.5 s timeout, but places the call all the same.
      await sim.setFaults({ latencyMs: 2500 });
      const res = await post(tts());
      const row = await waitFinal(res.body.id);
      const mine = calloutsPerCall(await sim.callouts(since)).get(res.body.id) ?? [];
      expect(mine).toHaveLength(1);
      expect(row).toMatchObject({ state: 'completed', final_source: 'dice', dial_attempts: 1, sinch_call_id: expect.any(String) });
      const job = await t.app.get(CalloutJobs).queue.getJob(res.body.id);
      expect(job?.returnvalue).toMatchObject({ outcome: 'in_doubt', reason: 'ambiguous' });
    });

    it('gives up after CALLOUT_MAX_ATTEMPTS refusals, keeping the last error', async () => {
      await sim.setFaults({ sequence: [503, 503, 503, 503, 503, 503] });
      const res = await post(tts());
      const row = await waitForValue(async () => {
        const r = await callRow(res.body.id);
        return r.state === 'failed' ? r : undefined;
      }, 20_000);
      expect(row).toMatchObject({ dial_attempts: 5, error_code: 50300, sinch_call_id: null });
      expect(row.error_message).toMatch(/^Gave up after 5 attempts/);
    });
  });

  describe('Idempotency-Key', () => {
    it('a repeated request answers the first answer and creates nothing', async () => {
      const key = `order-${Date.now()}`;
      const first = await post(tts(), { headers: { 'idempotency-key': key } });
      const before = await countCalls();
      const again = await post(tts(), { headers: { 'idempotency-key': key } });
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(await countCalls()).toBe(before);
    });

    it('the same key with another body is a 409', async () => {
      const key = `conflict-${Date.now()}`;
      expect((await post(tts(), { headers: { 'idempotency-key': key } })).status).toBe(202);
      const res = await post(tts({ text: 'Something else' }), { headers: { 'idempotency-key': key } });
      expect(res.status).toBe(409);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'idempotency_key_reused' })]);
    });

    it("is the API key's own: another key sending the same key places its own call", async () => {
      const key = `shared-${Date.now()}`;
      const mine = await post(tts(), { headers: { 'idempotency-key': key } });
      const before = await countCalls();
      const theirs = await post(tts({ text: 'Another integration' }), { headers: { 'idempotency-key': key }, key: t.keys.supervisor });
      expect(mine.status).toBe(202);
      expect(theirs.status).toBe(202);
      expect(theirs.body.id).not.toBe(mine.body.id);
      expect(await countCalls()).toBe(before + 1);
    });

    it('concurrent duplicates create one call', async () => {
      const key = `burst-${Date.now()}`;
      const before = await countCalls();
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(tts(), { headers: { 'idempotency-key': key } })));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await countCalls()).toBe(before + 1);
    });
  });

  describe('pacing', () => {
    it('50 callouts at 10 per second reach Sinch over about 5 s, never in a burst', async () => {
      const since = await sim.lastSeq();
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(tts({ destination: `+1415555${String(1000 + i)}` }))));
      expect(answers.every((a) => a.status === 202)).toBe(true);
      const ids = new Set(answers.map((a) => a.body.id as string));
      const mine = await waitForValue(async () => {
        const callouts = (await sim.callouts(since)).filter((c) => c.ourCallId && ids.has(c.ourCallId));
        return callouts.length >= 50 ? callouts : undefined;
      }, 15_000);
      const times = mine.map((c) => c.arrivedAt).sort((a, b) => a - b);
      const span = times[times.length - 1] - times[0];
      expect(span).toBeGreaterThanOrEqual(4000);
      expect(span).toBeLessThanOrEqual(6500);
      // No one-second window holds much more than the configured rate (BullMQ's first-window burst kept small).
      const busiest = Math.max(...times.map((start) => times.filter((x) => x >= start && x < start + 1000).length));
      expect(busiest).toBeLessThanOrEqual(12);
      expect(calloutsPerCall(mine).size).toBe(50);
    });
  });
  describe('placing a call from another feature (CalloutsService.place)', () => {
    const placeable = (to: string): PlaceCall => ({
      callout: { method: 'ttsCallout', request: { destination: { type: 'number', endpoint: to }, text: 'Placed by a feature', enableDice: true } },
      customExtra: { feature: 'test' },
      toNumber: to,
    });

    it("writes the rows in the caller's transaction and queues them only once it commits", async () => {
      const since = await sim.lastSeq();
      const queue = t.app.get(CalloutJobs).queue;
      const ids = await db.transaction(async (m) => {
        const placed = await t.app.get(CalloutsService).place(m, [placeable('+14155550141'), placeable('+14155550142')]);
        // Not yet committed: nothing is queued.
        for (const p of placed) expect(await queue.getJob(p.id)).toBeUndefined();
        return placed.map((p) => p.id);
      });
      for (const id of ids) expect(await queue.getJob(id)).toBeDefined();
      for (const id of ids) expect(await waitFinal(id)).toMatchObject({ state: 'completed', dial_attempts: 1 });
      const sent = calloutsPerCall(await sim.callouts(since));
      expect(ids.map((id) => sent.get(id)?.length)).toEqual([1, 1]);
    });

    it("queues nothing when the caller's transaction rolls back", async () => {
      const before = await countCalls();
      let placedId = '';
      await expect(
        db.transaction(async (m) => {
          [{ id: placedId }] = await t.app.get(CalloutsService).place(m, [placeable('+14155550143')]);
          throw new Error('the feature changed its mind');
        }),
      ).rejects.toThrow('the feature changed its mind');
      expect(await countCalls()).toBe(before);
      expect(await t.app.get(CalloutJobs).queue.getJob(placedId)).toBeUndefined();
    });

    it('refuses a request Sinch would refuse, naming it and the field, and stores none of the batch', async () => {
      const before = await countCalls();
      const bad: PlaceCall = {
        ...placeable('+14155550144'),
        callout: { method: 'customCallout', request: { ice: { action: { name: 'connectPstn', number: '0701234567' } } } },
      };
      const error = await db.transaction((m) => t.app.get(CalloutsService).place(m, [placeable('+14155550145'), bad])).catch((e: unknown) => e);
      expect(error).toMatchObject({
        kind: 'invalid',
        code: 'invalid_call_request',
        message: expect.stringContaining('[1].customCallout.ice.action.number'),
        details: [expect.objectContaining({ field: '[1].customCallout.ice.action.number', rule: 'e164' })],
      });
      expect(await countCalls()).toBe(before);
    });

    it('dials an urgent leg (a caller holds for it) before the calls already waiting for the pace', async () => {
      const since = await sim.lastSeq();
      // Ten calls nobody waits for, then two a caller waits for: at 10 per second the ten would take a second.
      const waiting = await db.transaction((m) =>
        t.app.get(CalloutsService).place(
          m,
          Array.from({ length: 10 }, (_, i) => placeable(`+1415555016${i}`)),
        ),
      );
      const urgent = await db.transaction((m) =>
        t.app.get(CalloutsService).place(m, [
          { ...placeable('+14155550170'), urgent: true },
          { ...placeable('+14155550171'), urgent: true },
        ]),
      );
      const ids = new Set([...waiting, ...urgent].map((c) => c.id));
      const order = await waitForValue(async () => {
        const mine = (await sim.callouts(since)).filter((c) => c.ourCallId && ids.has(c.ourCallId));
        return mine.length >= 12 ? mine.sort((a, b) => a.seq - b.seq).map((c) => c.ourCallId) : undefined;
      }, 15_000);
      // The first of the ten may have left before the urgent ones were added; none after them did.
      expect(order.slice(0, 3)).toEqual(expect.arrayContaining(urgent.map((c) => c.id)));
      expect(order.indexOf(urgent[0].id)).toBeLessThan(order.indexOf(urgent[1].id));
    });

    it('marks a dial in flight once, whoever asks at the same moment', async () => {
      const calls = t.app.get(CallsService);
      const rows = await calls.createOutbound(
        ['+14155550172', '+14155550173'].map((to) => ({
          kind: 'tts' as const,
          toNumber: to,
          request: toStoredCallout({ method: 'ttsCallout', request: { destination: { type: 'number', endpoint: to }, text: 'Hello', enableDice: true } }),
        })),
      );
      // Grouped into shared statements, each row still has one winner.
      const marks = await Promise.all(rows.map((r) => Promise.all([1, 2, 3].map(() => calls.markDialStarted(r.id)))));
      expect(marks.map((won) => won.filter(Boolean).length)).toEqual([1, 1]);
      expect((await callRows(rows.map((r) => r.id))).map((r) => r.dial_attempts)).toEqual([1, 1]);
      for (const r of rows) await calls.markFailed(r.id, { errorMessage: 'test: marked only' });
    });

    it("needs the caller's transaction", async () => {
      await expect(t.app.get(CalloutsService).place(db.manager, [placeable('+14155550146')])).rejects.toThrow(/inside the caller's transaction/);
    });
  });

  describe('stored request format', () => {
    it('the migration converts rows of the old shape to the method union and back', async () => {
      const old = { sinch: { ice: { action: { name: 'connectPstn', number: '+14155550150' } } }, customExtra: { k: 'cmp' } };
      const [{ id }]: { id: string }[] = await db.query(
        `INSERT INTO calls (direction, kind, state, to_number, request) VALUES ('outbound', 'custom', 'completed', '+14155550150', $1) RETURNING id`,
        [old],
      );
      const runner = db.createQueryRunner();
      const migration = new CalloutRequestMethod1795480000000();
      const stored = async () => (await db.query('SELECT request FROM calls WHERE id = $1', [id]))[0].request;
      try {
        await migration.up(runner);
        expect(await stored()).toEqual({ method: 'customCallout', request: old.sinch, customExtra: { k: 'cmp' } });
        await migration.down(runner);
        expect(await stored()).toEqual(old);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      expect((await stored()).method).toBe('customCallout');
    });
  });

  describe('recovery and observability', () => {
    it('a queued call that never got its job (crash between commit and enqueue) is placed by the sweep', async () => {
      const since = await sim.lastSeq();
      const [call] = await t.app.get(CallsService).createOutbound([
        {
          kind: 'tts',
          toNumber: '+14155550130',
          request: toStoredCallout({
            method: 'ttsCallout',
            request: { destination: { type: 'number', endpoint: '+14155550130' }, text: 'Hello again', enableDice: true },
          }),
        },
      ]);
      expect(await t.app.get(CalloutJobs).queue.getJob(call.id)).toBeUndefined();
      const row = await waitFinal(call.id, 10_000);
      expect(row).toMatchObject({ state: 'completed', dial_attempts: 1 });
      expect(calloutsPerCall(await sim.callouts(since)).get(call.id)).toHaveLength(1);
    });

    it('documents the endpoint with one body schema per type', async () => {
      const doc = await t.request('GET', '/docs-json', { key: null });
      const op = doc.body.paths['/api/v1/callouts'].post;
      expect(op.requestBody.content['application/json'].schema.oneOf).toHaveLength(3);
      expect(Object.keys(doc.body.components.schemas)).toEqual(expect.arrayContaining(['TtsCalloutDto', 'ConferenceCalloutDto', 'CustomCalloutDto']));
      expect(op.responses['202']).toBeDefined();
    });

    it('exposes callout metrics', async () => {
      const res = await t.request('GET', '/metrics', { key: null });
      expect(res.status).toBe(200);
      for (const line of [
        /callouts_requested_total\{type="tts"\} \d+/,
        /callouts_placed_total\{type="conference"\} 2/,
        /callouts_failed_total\{error_code="40000",reason="rejected"\} 1/,
        /callouts_failed_total\{error_code="50300",reason="exhausted"\} 1/,
        /callouts_retries_total\{reason="rate_limited"\} 1/,
        /callouts_queue_jobs\{state="waiting"\} \d+/,
        /callouts_queue_wait_seconds_count \d+/,
        /callouts_sinch_requests_total \d+/,
        /callouts_achieved_rate_per_second \d/,
      ]) {
        expect(res.text).toMatch(line);
      }
    });
  });
});
