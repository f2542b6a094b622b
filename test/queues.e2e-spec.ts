import { sim, sql, until } from './callbacks-kit';
import { type TestApp } from './test-app';
import { createQueueTestApp } from './queue-kit';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers of the simulated account used here only.
const QUEUE_NUMBER = '+46101239001';
const SHORT_NUMBER = '+46101239002';
const CALLER = '+46701239001';

// Time-scaled: 200 simulated seconds per real second, so Sinch's 600 s park limit is 3 real seconds and the
// service re-parks every 1.5 real seconds (300 simulated).
const SCALE = 200;

describe('Inbound queues (e2e)', () => {
  let t: TestApp;
  const api = (method: string, path: string, body?: unknown, key?: string | null) => t.request(method, `/api/v1/queues${path}`, { body, key });
  const settings = (overrides: Body = {}) => ({
    name: `q-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`,
    greeting: 'Welcome to support',
    holdPrompt: 'Please hold',
    ...overrides,
  });
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const numberId = async (number: string): Promise<string> => (await sql(t, 'SELECT id FROM phone_numbers WHERE number = $1', [number]))[0].id;
  const routeTo = async (number: string, queueId: string) => {
    const res = await t.request('PUT', `/api/v1/numbers/${await numberId(number)}/route`, { body: { route: { type: 'queue', target: queueId } } });
    expect(res.status).toBe(200);
  };
  const inbound = async (to: string, from = CALLER): Promise<string> => (await sim(t, 'POST', '/_sim/inbound', { from, to })).callId;
  const entryOf = (sinchCallId: string) => until(async () => (await sql(t, 'SELECT * FROM queue_entries WHERE sinch_call_id = $1', [sinchCallId]))[0], 10_000);

  beforeAll(async () => {
    t = await createQueueTestApp({ scale: SCALE, numbers: [QUEUE_NUMBER, SHORT_NUMBER] });
  });

  afterAll(async () => {
    // Closing while a DiCE is still on its way would leave the embedded simulator and the app waiting on each other.
    await until(async () => (await sim(t, 'GET', '/_sim/calls')).calls.every((c: Body) => c.phase === 'ended'), 30_000);
    await until(
      async () => (await sql(t, `SELECT count(*)::int AS n FROM queue_entries WHERE state IN ('waiting', 'offered', 'connected')`))[0].n === 0,
      30_000,
    );
    // The run's database is shared: its numbers are left as they were found.
    await sql(t, 'DELETE FROM number_route_audits WHERE number = ANY($1)', [[QUEUE_NUMBER, SHORT_NUMBER]]);
    await sql(t, 'DELETE FROM phone_numbers WHERE number = ANY($1)', [[QUEUE_NUMBER, SHORT_NUMBER]]);
    await t.close();
  });

  describe('the queues API', () => {
    it('creates, reads, replaces and deletes a queue (admin and supervisor manage, reporting reads)', async () => {
      const created = await api(
        'POST',
        '',
        settings({ announcePosition: true, announceEveryS: 60, maxWaitS: 3600, overflowAfterWait: { type: 'message', text: 'Sorry' } }),
        t.keys.supervisor,
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        announcePosition: true,
        announceEveryS: 60,
        maxWaitS: 3600,
        overflowAfterWait: { type: 'message', text: 'Sorry' },
        serviceLevelS: 20,
        serviceLevelPercent: 80,
        agentAnswerTimeoutS: 20,
        noAnswerStatus: 'away',
      });
      const id = created.body.id;
      expect((await api('GET', `/${id}`, undefined, t.keys.reporting)).body.name).toBe(created.body.name);
      expect((await api('GET', '', undefined, t.keys.reporting)).body.items.map((q: Body) => q.id)).toContain(id);
      const replaced = await api('PUT', `/${id}`, { ...settings({ name: created.body.name }), wrapUpS: 15 });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ wrapUpS: 15, maxWaitS: null, overflowAfterWait: null, announcePosition: false });
      expect((await api('DELETE', `/${id}`)).status).toBe(204);
      expect((await api('GET', `/${id}`)).status).toBe(404);
    });

    it('answers 401 without a key and 403 to roles that may not', async () => {
      expect((await api('GET', '', undefined, null)).status).toBe(401);
      expect((await api('POST', '', settings(), null)).status).toBe(401);
      expect((await api('GET', '', undefined, t.keys.agent)).status).toBe(403);
      expect((await api('POST', '', settings(), t.keys.reporting)).status).toBe(403);
      expect((await api('POST', '', settings(), t.keys.agent)).status).toBe(403);
      const id = (await api('POST', '', settings())).body.id;
      expect((await api('PUT', `/${id}`, settings(), t.keys.reporting)).status).toBe(403);
      expect((await api('DELETE', `/${id}`, undefined, t.keys.reporting)).status).toBe(403);
      expect((await api('GET', `/${id}`, undefined, null)).status).toBe(401);
    });

    it.each([
      ['a wait limit over the allowed maximum', { maxWaitS: 4 * 3600 + 1 }, 'maxWaitS'],
      ['a park-time announcement too often', { announceEveryS: 5 }, 'announceEveryS'],
      ['an unknown overflow action', { maxWaitS: 60, overflowAfterWait: { type: 'teleport' } }, 'overflowAfterWait.type'],
      ['a message overflow without its text', { maxWaitS: 60, overflowAfterWait: { type: 'message' } }, 'overflowAfterWait.text'],
      [
        'an overflow to a queue that does not exist',
        { maxWaitS: 60, overflowAfterWait: { type: 'queue', queueId: '00000000-0000-4000-8000-000000000000' } },
        'overflowAfterWait.queueId',
      ],
      ['an overflow without its limit', { overflowWhenFull: { type: 'message', text: 'Full' } }, 'overflowWhenFull'],
      ['a missing hold prompt', { holdPrompt: undefined }, 'holdPrompt'],
      ['an unknown field', { colour: 'blue' }, 'colour'],
    ])('refuses %s with a 400 naming the field, storing nothing', async (_name, overrides, field) => {
      const before = await sql(t, 'SELECT count(*)::int AS n FROM queues');
      const res = await api('POST', '', settings(overrides));
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: Body) => d.field)).toContain(field);
      expect(await sql(t, 'SELECT count(*)::int AS n FROM queues')).toEqual(before);
    });

    it('refuses a bad id (400), an unknown queue (404) and a taken name (409)', async () => {
      expect((await api('GET', '/not-a-uuid')).status).toBe(400);
      expect((await api('PUT', '/00000000-0000-4000-8000-000000000000', settings())).status).toBe(404);
      const name = settings().name;
      expect((await api('POST', '', settings({ name }))).status).toBe(201);
      const taken = await api('POST', '', settings({ name }));
      expect(taken.status).toBe(409);
      expect(taken.body.details[0].field).toBe('name');
    });

    it('routes a number to a queue only when the queue exists', async () => {
      const res = await t.request('PUT', `/api/v1/numbers/${await numberId(SHORT_NUMBER)}/route`, {
        body: { route: { type: 'queue', target: '00000000-0000-4000-8000-000000000000' } },
      });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: Body) => d.field)).toContain('route.target');
    });
  });

  describe('waiting', () => {
    it("re-parks a parked caller when due, never a dialer's callee waiting in the agent's room", async () => {
      const queue = (await api('POST', '', settings())).body;
      const insert = async (route: string) =>
        (
          await sql(
            t,
            `INSERT INTO queue_entries (queue_id, sinch_call_id, entry_route, enqueued_at, parked_at) VALUES ($1, $2, $3, now(), now() - interval '1 hour') RETURNING id`,
            [queue.id, `sweep-${route}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`, route],
          )
        )[0].id as string;
      const parked = await insert('number');
      const bridged = await insert('campaign_bridge');
      const parksOf = async (id: string) => (await sql(t, 'SELECT parks FROM queue_entries WHERE id = $1', [id]))[0].parks as number;
      // The sweep reached the parked caller (its re-park claimed): the callee, due alike, was passed over.
      await until(async () => (await parksOf(parked)) > 1, 10_000);
      expect(await parksOf(bridged)).toBe(1);
      await sql(t, `UPDATE queue_entries SET state = 'removed', ended_at = now() WHERE id = ANY($1)`, [[parked, bridged]]);
    });

    it('parks the caller at ICE and records the entry; a hang-up while waiting is an abandon with its wait', async () => {
      const queue = (await api('POST', '', settings())).body;
      await routeTo(SHORT_NUMBER, queue.id);
      const callId = await inbound(SHORT_NUMBER);
      const ice = await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=ice`))[0]?.response, 10_000);
      expect(ice).toEqual({ action: { name: 'park', introPrompt: '#tts[Welcome to support]', holdPrompt: '#tts[Please hold]', maxDuration: 600 } });
      const entry = await entryOf(callId);
      expect(entry).toMatchObject({ queue_id: queue.id, state: 'waiting', from_number: CALLER, dialled: SHORT_NUMBER, entry_route: 'number', priority: 0 });
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).parked, 10_000);
      expect((await api('DELETE', `/${queue.id}`)).status).toBe(409);

      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
      const ended = await until(async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state <> 'waiting'`, [callId]))[0], 10_000);
      expect(ended).toMatchObject({ state: 'abandoned', end_reason: 'caller_hangup' });
      expect(ended.wait_ms).toBeGreaterThanOrEqual(0);
      // The DiCE timestamp is whole seconds.
      expect(new Date(ended.ended_at).getTime()).toBeGreaterThan(new Date(ended.enqueued_at).getTime() - 1000);
      expect((await api('DELETE', `/${queue.id}`)).status).toBe(409);
    });

    it('keeps a caller 45 simulated minutes, far past the 600 s park limit, re-parking with the position announced', async () => {
      const queue = (await api('POST', '', settings({ announcePosition: true }))).body;
      await routeTo(QUEUE_NUMBER, queue.id);
      const callId = await inbound(QUEUE_NUMBER);
      await entryOf(callId);
      // Our entry is written once the ICE is answered; the simulator parks the call when it has read that answer.
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).phase === 'answered', 5_000);
      const started = Date.now();
      // 45 simulated minutes = 2,700 s / SCALE real seconds.
      const waitMs = (45 * 60 * 1000) / SCALE;
      while (Date.now() - started < waitMs) {
        const call = await sim(t, 'GET', `/_sim/calls/${callId}`);
        expect(call.phase).toBe('answered');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const call = await sim(t, 'GET', `/_sim/calls/${callId}`);
      expect(call.parked).toBe(true);
      const entry = (await sql(t, 'SELECT * FROM queue_entries WHERE sinch_call_id = $1', [callId]))[0];
      expect(entry.state).toBe('waiting');
      // At least one re-park per 600 simulated seconds.
      expect(entry.parks).toBeGreaterThanOrEqual(5);
      const patches = (await simEvents(`kind=rest&callId=${callId}`)).filter((e) => e.method === 'PATCH');
      expect(patches.length).toBeGreaterThanOrEqual(4);
      expect(patches[0].request).toMatchObject({
        action: { name: 'park', introPrompt: '#tts[You are next in line.]', holdPrompt: '#tts[Please hold]', maxDuration: 600 },
      });
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
      const ended = await until(
        async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state = 'abandoned'`, [callId]))[0],
        10_000,
      );
      expect(ended.wait_ms).toBeGreaterThanOrEqual(waitMs - 1000);
    });

    it('counts a caller who gives up after 15 simulated minutes (across re-parks) as an abandon with that wait', async () => {
      const queue = (await api('POST', '', settings())).body;
      await routeTo(SHORT_NUMBER, queue.id);
      const callId = (await sim(t, 'POST', '/_sim/inbound', { from: CALLER, to: SHORT_NUMBER, abandonAfterS: 900 })).callId;
      const ended = await until(
        async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state = 'abandoned'`, [callId]))[0],
        20_000,
      );
      expect(ended.parks).toBeGreaterThanOrEqual(2);
      // 900 simulated seconds are 4.5 real ones at this scale (the DiCE timestamp has whole seconds).
      expect(ended.wait_ms).toBeGreaterThanOrEqual((900 * 1000) / SCALE - 1000);
      const dice = await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=dice`))[0], 10_000);
      expect(dice.request).toMatchObject({ reason: 'CALLERHANGUP' });
    });

    it("ends a wait past the queue's maximum with its overflow message", async () => {
      const queue = (await api('POST', '', settings({ maxWaitS: 10, overflowAfterWait: { type: 'message', text: 'All agents are busy, goodbye' } }))).body;
      await routeTo(SHORT_NUMBER, queue.id);
      // maxWaitS is real time: 10 s would be 2,000 simulated seconds; lower it in the row to keep the test short.
      await sql(t, 'UPDATE queues SET max_wait_s = 1 WHERE id = $1', [queue.id]);
      const callId = await inbound(SHORT_NUMBER);
      const ended = await until(
        async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state = 'overflowed'`, [callId]))[0],
        15_000,
      );
      expect(ended).toMatchObject({ end_reason: 'max_wait' });
      expect(ended.wait_ms).toBeGreaterThanOrEqual(1000);
      const patch = await until(async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH'), 10_000);
      expect(patch.request).toEqual({ instructions: [{ name: 'say', text: 'All agents are busy, goodbye' }], action: { name: 'hangup' } });
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).phase === 'ended', 10_000);
    });

    it('turns a caller away when the queue is full: with its message, or into the overflow queue', async () => {
      const spill = (await api('POST', '', settings({ greeting: 'Overflow line' }))).body;
      const full = (await api('POST', '', settings({ maxWaiting: 1, overflowWhenFull: { type: 'message', text: 'We are full' } }))).body;
      await routeTo(SHORT_NUMBER, full.id);
      const first = await inbound(SHORT_NUMBER, '+46701239002');
      await entryOf(first);
      const turnedAway = await inbound(SHORT_NUMBER, '+46701239003');
      const ice = await until(async () => (await simEvents(`kind=callback&callId=${turnedAway}&event=ice`))[0]?.response, 10_000);
      expect(ice).toEqual({ instructions: [{ name: 'say', text: 'We are full' }], action: { name: 'hangup' } });
      expect(await entryOf(turnedAway)).toMatchObject({ queue_id: full.id, state: 'overflowed', end_reason: 'queue_full', wait_ms: 0 });

      const res = await api('PUT', `/${full.id}`, settings({ name: full.name, maxWaiting: 1, overflowWhenFull: { type: 'queue', queueId: spill.id } }));
      expect(res.status).toBe(200);
      const spilled = await inbound(SHORT_NUMBER, '+46701239004');
      const parked = await until(async () => (await simEvents(`kind=callback&callId=${spilled}&event=ice`))[0]?.response, 10_000);
      expect(parked).toMatchObject({ action: { name: 'park', introPrompt: '#tts[Overflow line]' } });
      expect(await entryOf(spilled)).toMatchObject({ queue_id: spill.id, state: 'waiting', overflowed_from: full.id, entry_route: 'overflow' });

      const stats = await api('GET', `/${full.id}/stats`);
      expect(stats.body).toMatchObject({ offered: 3, overflowed: 2 });
      expect((await api('GET', `/${spill.id}/stats`)).body).toMatchObject({ offered: 1, overflowed: 0 });
      for (const c of [first, spilled]) await sim(t, 'POST', `/_sim/calls/${c}/hangup`, {});
    });

    it('sends a caller past the maximum wait to the overflow queue, keeping the wait', async () => {
      const spill = (await api('POST', '', settings({ greeting: 'Still here' }))).body;
      const slow = (await api('POST', '', settings({ maxWaitS: 10, overflowAfterWait: { type: 'queue', queueId: spill.id } }))).body;
      await sql(t, 'UPDATE queues SET max_wait_s = 1 WHERE id = $1', [slow.id]);
      await routeTo(SHORT_NUMBER, slow.id);
      const callId = await inbound(SHORT_NUMBER);
      const before = await entryOf(callId);
      const moved = await until(
        async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND queue_id = $2`, [callId, spill.id]))[0],
        15_000,
      );
      expect(moved).toMatchObject({ state: 'waiting', overflowed_from: slow.id, entry_route: 'overflow' });
      expect(moved.enqueued_at).toEqual(before.enqueued_at);
      const patch = await until(async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH'), 10_000);
      expect(patch.request).toMatchObject({ action: { name: 'park', introPrompt: '#tts[Still here]' } });
      expect((await api('GET', `/${slow.id}/stats`)).body).toMatchObject({ offered: 1, overflowed: 1 });
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    });

    it('leaves a voicemail past the maximum wait: the prompt, then recorded until the caller hangs up or the time is up', async () => {
      const queue = (await api('POST', '', settings({ maxWaitS: 10, overflowAfterWait: { type: 'voicemail', prompt: 'Leave a message', maxSeconds: 60 } })))
        .body;
      expect(queue.overflowAfterWait).toEqual({ type: 'voicemail', prompt: 'Leave a message', maxSeconds: 60 });
      await sql(t, 'UPDATE queues SET max_wait_s = 1 WHERE id = $1', [queue.id]);
      await routeTo(SHORT_NUMBER, queue.id);
      const callId = await inbound(SHORT_NUMBER);
      const ended = await until(
        async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state = 'overflowed'`, [callId]))[0],
        15_000,
      );
      expect(ended).toMatchObject({ end_reason: 'max_wait_voicemail' });
      const patch = await until(async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH'), 10_000);
      expect(patch.request).toMatchObject({
        instructions: [
          { name: 'say', text: 'Leave a message' },
          { name: 'startRecording', options: { notificationEvents: true } },
        ],
        action: { name: 'park', maxDuration: 60 },
      });
      // The park runs out (60 simulated seconds): the call ends and the message is a recording of the queue.
      const call = await until(async () => (await sql(t, `SELECT * FROM calls WHERE sinch_call_id = $1 AND final_source IS NOT NULL`, [callId]))[0], 15_000);
      expect(call.queue_id).toBe(queue.id);
      const recording = await until(async () => (await sql(t, `SELECT * FROM recordings WHERE call_id = $1 AND status = 'available'`, [call.id]))[0], 15_000);
      expect(recording.queue_id).toBe(queue.id);
      expect((await api('GET', `/${queue.id}/stats`)).body).toMatchObject({ offered: 1, overflowed: 1 });
    });

    it("forwards to a number: at the door with connectPstn; past the maximum wait rung into the caller's room, unanswered ending politely", async () => {
      const answers = '+46701239050';
      const silent = '+46701239051';
      await sim(t, 'PUT', '/_sim/rules', {
        rules: [
          { match: answers, outcome: 'answered', ringTimeS: 2, talkTimeS: 3600 },
          { match: silent, outcome: 'noanswer', ringTimeS: 30 },
          { match: '+467012390*', outcome: 'answered', talkTimeS: 3600 },
        ],
      });
      try {
        const bad = await api('POST', '', settings({ maxWaitS: 10, overflowAfterWait: { type: 'forward', number: '0701234567' } }));
        expect(bad.status).toBe(400);
        expect(JSON.stringify(bad.body.details)).toContain('overflowAfterWait.number');

        const door = (await api('POST', '', settings({ maxWaiting: 1, overflowWhenFull: { type: 'forward', number: answers } }))).body;
        await routeTo(SHORT_NUMBER, door.id);
        const first = await inbound(SHORT_NUMBER, '+46701239005');
        await entryOf(first);
        const turned = await inbound(SHORT_NUMBER, '+46701239006');
        const ice = await until(async () => (await simEvents(`kind=callback&callId=${turned}&event=ice`))[0]?.response, 10_000);
        expect(ice).toMatchObject({ action: { name: 'connectPstn', number: answers, cli: SHORT_NUMBER } });
        expect(await entryOf(turned)).toMatchObject({ state: 'overflowed', end_reason: 'queue_full' });
        for (const c of [first, turned]) await sim(t, 'POST', `/_sim/calls/${c}/hangup`, {});

        const slow = (await api('POST', '', settings({ maxWaitS: 10, overflowAfterWait: { type: 'forward', number: answers } }))).body;
        await sql(t, 'UPDATE queues SET max_wait_s = 1 WHERE id = $1', [slow.id]);
        await routeTo(SHORT_NUMBER, slow.id);
        const callId = await inbound(SHORT_NUMBER, '+46701239007');
        const connected = await until(
          async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state = 'connected'`, [callId]))[0],
          15_000,
        );
        expect(connected).toMatchObject({ forwarded_to: answers, agent_id: null });
        const leg = (await sql(t, 'SELECT * FROM calls WHERE id = $1', [connected.agent_call_id]))[0];
        expect(leg).toMatchObject({ to_number: answers, queue_id: slow.id });
        const unpark = await until(
          async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH' && (e.request as Body).action.name === 'connectConf'),
          10_000,
        );
        expect(unpark.request).toEqual({ action: { name: 'connectConf', conferenceId: `qe-${connected.id}` } });
        expect((await api('GET', `/${slow.id}/stats`)).body).toMatchObject({ offered: 1, overflowed: 1, answered: 1 });
        await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});

        const unanswered = (await api('POST', '', settings({ maxWaitS: 10, overflowAfterWait: { type: 'forward', number: silent } }))).body;
        await sql(t, 'UPDATE queues SET max_wait_s = 1 WHERE id = $1', [unanswered.id]);
        await routeTo(SHORT_NUMBER, unanswered.id);
        const lonely = await inbound(SHORT_NUMBER, '+46701239008');
        const ended = await until(
          async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND state = 'overflowed'`, [lonely]))[0],
          20_000,
        );
        expect(ended).toMatchObject({ end_reason: 'forward_no_answer', forwarded_to: silent });
        const goodbye = await until(
          async () => (await simEvents(`kind=rest&callId=${lonely}`)).find((e) => e.method === 'PATCH' && (e.request as Body).action.name === 'hangup'),
          10_000,
        );
        expect(goodbye.request.instructions[0]).toMatchObject({ name: 'say', text: expect.stringContaining('no one can take your call') });
      } finally {
        await sim(t, 'PUT', '/_sim/rules', { rules: [] });
      }
    });
  });
});
