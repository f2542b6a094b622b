import Redis from 'ioredis';
import { eventStreamKey } from 'src/events/admin-events.service';
import { sim, sql, until } from './callbacks-kit';
import { type TestApp } from './test-app';
import { createQueueTestApp } from './queue-kit';
import { TEST_REDIS_URL } from './test-env';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers used here only. Callers get a fresh number each run: the frequency cap counts the callbacks across runs.
const QUEUE_NUMBER = '+46101239401'; // also the console suite's; each suite sets its number up itself
const AGENT = '+46701239410';
const caller = () => `+4670125${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
// Callers who do not answer their callback.
const absentCaller = () => `+4670126${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
const SCALE = 200;
// Callers called back and the agent answer (the agent after 2 simulated seconds); both stay an hour (18 real s).
const RULES = [
  { match: AGENT, outcome: 'answered', ringTimeS: 2, talkTimeS: 3600 },
  { match: '+4670125*', outcome: 'answered', ringTimeS: 2, talkTimeS: 3600 },
  { match: '+4670126*', outcome: 'noanswer', ringTimeS: 30 },
];

describe('Queue callbacks instead of waiting (e2e)', () => {
  let t: TestApp;
  let queueId: string;
  const agents: string[] = [];
  const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const api = (method: string, path: string, body?: unknown, key?: string | null) => t.request(method, `/api/v1/queues${path}`, { body, key });
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const settings = (overrides: Body = {}) => ({
    name: `q-${unique()}`,
    holdPrompt: 'Please hold',
    callback: { enabled: true, key: '1', offerAfterS: 0, expiresAfterS: 3600 },
    ...overrides,
  });
  const inbound = async (from: string): Promise<string> => (await sim(t, 'POST', '/_sim/inbound', { from, to: QUEUE_NUMBER })).callId;
  const entryWhere = (where: string, values: unknown[]) => until(async () => (await sql(t, `SELECT * FROM queue_entries WHERE ${where}`, values))[0], 15_000);
  // A caller who presses the callback key (kept for the first menu: the offer) and hangs up after the thanks.
  const requestCallback = async (from: string): Promise<Body> => {
    const callId = await inbound(from);
    await sim(t, 'POST', `/_sim/calls/${callId}/dtmf`, { digits: '1' });
    return entryWhere(`sinch_call_id = $1 AND state = 'callback_requested'`, [callId]);
  };
  const newAgent = async (): Promise<string> => {
    const res = await t.request('POST', '/api/v1/agents', {
      body: { name: `agent ${unique()}`, endpointType: 'pstn', endpoint: AGENT, queues: [{ queueId }] },
    });
    expect(res.status).toBe(201);
    agents.push(res.body.id);
    expect((await t.request('PUT', `/api/v1/agents/${res.body.id}/status`, { body: { status: 'available' } })).status).toBe(200);
    return res.body.id;
  };

  beforeAll(async () => {
    t = await createQueueTestApp({ scale: SCALE, numbers: [QUEUE_NUMBER], rules: RULES });
  });

  beforeEach(async () => {
    const created = await api('POST', '', settings());
    expect(created.status).toBe(201);
    queueId = created.body.id;
    const [{ id }] = await sql(t, 'SELECT id FROM phone_numbers WHERE number = $1', [QUEUE_NUMBER]);
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route: { type: 'queue', target: queueId } } })).status).toBe(200);
  });

  afterEach(async () => {
    if (agents.length > 0) await sql(t, `UPDATE agents SET status = 'offline' WHERE id = ANY($1)`, [agents]);
  });

  afterAll(async () => {
    for (const call of (await sim(t, 'GET', '/_sim/calls')).calls as Body[]) {
      if (call.phase !== 'ended') await sim(t, 'POST', `/_sim/calls/${call.callId}/hangup`, {});
    }
    await until(async () => (await sim(t, 'GET', '/_sim/calls')).calls.every((c: Body) => c.phase === 'ended'), 30_000);
    await sim(t, 'PUT', '/_sim/rules', { rules: [] });
    await sql(t, 'DELETE FROM number_route_audits WHERE number = ANY($1)', [[QUEUE_NUMBER]]);
    await sql(t, 'DELETE FROM phone_numbers WHERE number = ANY($1)', [[QUEUE_NUMBER]]);
    await t.close();
  });

  it('offers the key, hangs the caller up keeping their place, calls them back and connects them to the agent', async () => {
    const from = caller();
    const callId = await inbound(from);
    // The offer is a PATCH runMenu on the parked call; the caller presses the key.
    const offer = await until(
      async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH' && (e.request as Body).action?.name === 'runMenu'),
      10_000,
    );
    expect(offer.request.action.menus[0]).toMatchObject({
      mainPrompt: expect.stringContaining('press 1'),
      options: [{ dtmf: '1', action: 'return(callback)' }],
    });
    await sim(t, 'POST', `/_sim/calls/${callId}/dtmf`, { digits: '1' });
    const requested = await entryWhere(`sinch_call_id = $1 AND state = 'callback_requested'`, [callId]);
    const pie = await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=pie`))[0]?.response, 10_000);
    expect(pie).toMatchObject({ action: { name: 'hangup' }, instructions: [{ name: 'say', text: expect.stringContaining('call you back') }] });
    await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).phase === 'ended', 10_000);
    // Still requested after the caller's hang-up: not an abandon.
    expect((await sql(t, 'SELECT state FROM queue_entries WHERE id = $1', [requested.id]))[0].state).toBe('callback_requested');
    const listed = await api('GET', `/${queueId}/callbacks`, undefined, t.keys.reporting);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ entryId: requested.id, state: 'callback_requested', fromNumber: from })]);

    // An agent becomes free: the caller is called back, joins their room, and the agent is rung into it.
    const agentId = await newAgent();
    const connected = await entryWhere(`id = $1 AND state = 'connected'`, [requested.id]);
    expect(connected).toMatchObject({ agent_id: agentId, enqueued_at: requested.enqueued_at });
    expect(connected.callback_answered_at).not.toBeNull();
    const [callback] = await sql(t, 'SELECT to_number, sinch_call_id, queue_id FROM calls WHERE id = $1', [connected.callback_call_id]);
    expect(callback).toMatchObject({ to_number: from, sinch_call_id: connected.sinch_call_id, queue_id: queueId });
    const room = `qe-${requested.id}`;
    const conference = await until(
      async () => (await sim(t, 'GET', '/_sim/conferences')).conferences.find((c: Body) => c.conferenceId === room && c.participants?.length === 2),
      10_000,
    );
    const [agentLeg] = await sql(t, 'SELECT sinch_call_id FROM calls WHERE id = $1', [connected.agent_call_id]);
    expect(conference.participants.map((p: Body) => p.callId).sort()).toEqual([connected.sinch_call_id, agentLeg.sinch_call_id].sort());
    // The called-back caller was not unparked (they were in the room already).
    expect((await simEvents(`kind=rest&callId=${connected.sinch_call_id}`)).filter((e) => e.method === 'PATCH')).toEqual([]);

    // The agent hangs up: the talk is completed, and the queue's figures count the callback.
    await sim(t, 'POST', `/_sim/calls/${agentLeg.sinch_call_id}/hangup`, {});
    await entryWhere(`id = $1 AND state = 'completed'`, [requested.id]);
    const stats = await api('GET', `/${queueId}/stats`, undefined, t.keys.reporting);
    expect(stats.body).toMatchObject({ offered: 1, answered: 1, callbacksRequested: 1, callbacksCompleted: 1 });
    expect((await api('GET', `/${queueId}/callbacks`)).body.items).toEqual([]);

    // Each step is on the queue event stream.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const types = (await redis.xrange(eventStreamKey(t.config), '-', '+'))
        .map(([, fields]) => ({ type: fields[3], data: JSON.parse(fields[5]) }))
        .filter((e) => e.data.entryId === requested.id)
        .map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['callback.requested', 'callback.dialled', 'callback.answered', 'caller.offered', 'caller.connected']));
    } finally {
      redis.disconnect();
    }
  });

  it('keeps the place of a caller whose key press was stored but never written as a request (the process that answered it died)', async () => {
    const callId = await inbound(caller());
    const offered = await entryWhere(`sinch_call_id = $1 AND state = 'waiting' AND callback_offered_at IS NOT NULL`, [callId]);
    const [call] = await sql(t, 'SELECT id FROM calls WHERE sinch_call_id = $1', [callId]);
    // The PIE as the webhook stores it before answering; the request it would have led to is not written.
    const menuResult = { type: 'return', value: 'callback', menuId: `qcb:${offered.id}:${queueId}`, inputMethod: 'dtmf' };
    await sql(
      t,
      `INSERT INTO call_events (dedupe_key, sinch_call_id, call_id, kind, event_at, received_at, payload, via, processed_at)
       VALUES ($1, $2, $3, 'pie', now(), now(), $4, 'webhook', now())`,
      [`pie:${callId}:died`, callId, call.id, JSON.stringify({ event: 'pie', callid: callId, menuResult })],
    );
    // The caller hangs up after the thanks; the DiCE reaches a process that never heard the key.
    await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).phase === 'ended', 10_000);
    await until(async () => (await sql(t, `SELECT 1 FROM calls WHERE id = $1 AND final_source IS NOT NULL`, [call.id]))[0], 10_000);
    await until(
      async () => (await sql(t, `SELECT 1 FROM call_events WHERE call_id = $1 AND kind = 'dice' AND processed_at IS NOT NULL`, [call.id]))[0],
      10_000,
    );
    const [entry] = await sql(t, 'SELECT state, callback_requested_at FROM queue_entries WHERE id = $1', [offered.id]);
    expect(entry.state).toBe('callback_requested');
    expect(entry.callback_requested_at).not.toBeNull();
    await api('DELETE', `/${queueId}/callbacks/${offered.id}`);
  });

  it('offers the callback only offerAfterS into the wait, once, and re-parks a caller who does not press the key', async () => {
    const later = await api('PUT', `/${queueId}`, settings({ callback: { enabled: true, key: '#', offerAfterS: 600 } }));
    expect(later.status).toBe(200);
    expect(later.body.callback).toEqual({ enabled: true, key: '#', offerAfterS: 600, expiresAfterS: 3600 });
    const callId = await inbound(caller());
    const entry = await entryWhere(`sinch_call_id = $1`, [callId]);
    const runMenus = async () =>
      (await simEvents(`kind=rest&callId=${callId}`)).filter((e) => e.method === 'PATCH' && (e.request as Body).action?.name === 'runMenu');
    // Re-parked (1.5 real s) without an offer: not 600 s into the wait yet.
    await entryWhere(`id = $1 AND parks >= 2`, [entry.id]);
    expect(await runMenus()).toEqual([]);
    // Ten minutes pass (the offer time is in real time).
    await sql(t, `UPDATE queue_entries SET enqueued_at = enqueued_at - interval '601 seconds' WHERE id = $1`, [entry.id]);
    const [offer] = await until(async () => ((await runMenus()).length > 0 ? runMenus() : undefined), 10_000);
    expect(offer.request.action.menus[0].options).toEqual([{ dtmf: '#', action: 'return(callback)' }]);
    // No key: the menu times out and the caller is parked again, still waiting; the offer is not repeated.
    const pie = await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=pie`))[0]?.response, 15_000);
    expect(pie).toMatchObject({ action: { name: 'park', holdPrompt: '#tts[Please hold]' } });
    const parks = (await sql(t, 'SELECT parks FROM queue_entries WHERE id = $1', [entry.id]))[0].parks;
    await entryWhere(`id = $1 AND parks >= $2`, [entry.id, parks + 1]);
    expect(await runMenus()).toHaveLength(1);
    expect((await sql(t, 'SELECT state FROM queue_entries WHERE id = $1', [entry.id]))[0].state).toBe('waiting');
    await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    await entryWhere(`id = $1 AND state = 'abandoned'`, [entry.id]);
  });

  it('lets a supervisor cancel a callback (reporting may not); a cancelled or unknown one is a 409 / 404', async () => {
    const from = caller();
    const requested = await requestCallback(from);
    expect((await api('DELETE', `/${queueId}/callbacks/${requested.id}`, undefined, t.keys.reporting)).status).toBe(403);
    expect((await api('DELETE', `/${queueId}/callbacks/${requested.id}`, undefined, t.keys.supervisor)).status).toBe(204);
    expect((await sql(t, 'SELECT state, end_reason FROM queue_entries WHERE id = $1', [requested.id]))[0]).toEqual({
      state: 'removed',
      end_reason: 'callback_cancelled',
    });
    const again = await api('DELETE', `/${queueId}/callbacks/${requested.id}`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('callback_not_pending');
    expect((await api('DELETE', `/${queueId}/callbacks/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await api('GET', `/00000000-0000-4000-8000-000000000000/callbacks`)).status).toBe(404);
    // Nobody is called back for it: the next caller who asked is (after it in line).
    const next = await requestCallback(caller());
    await newAgent();
    await entryWhere(`id = $1 AND callback_call_id IS NOT NULL`, [next.id]);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM calls WHERE to_number = $1', [from])).toEqual([{ n: 0 }]);
    const stats = await api('GET', `/${queueId}/stats`);
    expect(stats.body).toMatchObject({ callbacksRequested: 2, removed: 1 });
  });

  it('drops a callback past its expiry', async () => {
    const requested = await requestCallback(caller());
    // An hour passes (the expiry is in real time): the sweep drops it.
    await sql(t, `UPDATE queue_entries SET callback_requested_at = now() - interval '3601 seconds' WHERE id = $1`, [requested.id]);
    const expired = await entryWhere(`id = $1 AND state = 'failed'`, [requested.id]);
    expect(expired.end_reason).toBe('callback_expired');
    await newAgent();
    expect((await api('GET', `/${queueId}/callbacks`)).body.items).toEqual([]);
  });

  it('does not call back a number on the do-not-call list: the callback is closed with the reason, the agent stays free', async () => {
    const from = caller();
    const requested = await requestCallback(from);
    expect([201, 409]).toContain((await t.request('POST', '/api/v1/dnc', { body: { phone: from } })).status);
    const agentId = await newAgent();
    const refused = await entryWhere(`id = $1 AND state = 'failed'`, [requested.id]);
    expect(refused.end_reason).toBe('callback_refused:do_not_call');
    expect(await sql(t, 'SELECT count(*)::int AS n FROM calls WHERE to_number = $1', [from])).toEqual([{ n: 0 }]);
    expect((await t.request('GET', `/api/v1/agents/${agentId}`)).body.status).toBe('available');
  });

  it('ends a callback the caller does not answer; the agent was never rung and stays free', async () => {
    const requested = await requestCallback(absentCaller());
    const agentId = await newAgent();
    const failed = await entryWhere(`id = $1 AND state = 'failed'`, [requested.id]);
    expect(failed.end_reason).toBe('callback_no_answer:noanswer');
    expect(failed.agent_call_id).toBeNull();
    expect((await t.request('GET', `/api/v1/agents/${agentId}`)).body.status).toBe('available');
    expect((await api('GET', `/${queueId}/stats`)).body).toMatchObject({ callbacksRequested: 1, callbacksCompleted: 0, failed: 1 });
  });

  it('closes a callback whose call never reached the caller (Sinch refused the callout): no DiCE comes, the sweep ends it', async () => {
    const from = caller();
    const requested = await requestCallback(from);
    // The next callout request (the callback) is answered 400 by Sinch: final, nothing to retry.
    await sim(t, 'PUT', '/_sim/faults', { sequence: [400] });
    try {
      const agentId = await newAgent();
      const failed = await entryWhere(`id = $1 AND state = 'failed'`, [requested.id]);
      expect(failed.end_reason).toBe('callback_not_dialled');
      const [callback] = await sql(t, 'SELECT state, sinch_call_id FROM calls WHERE id = $1', [failed.callback_call_id]);
      expect(callback).toEqual({ state: 'failed', sinch_call_id: null });
      expect((await t.request('GET', `/api/v1/agents/${agentId}`)).body.status).toBe('available');
      expect((await api('GET', `/${queueId}/callbacks`)).body.items).toEqual([]);
    } finally {
      await sim(t, 'PUT', '/_sim/faults', {});
    }
  });

  it.each([
    ['a key that is not one key', { enabled: true, key: '12' }, 'callback.key'],
    ['an expiry under a minute', { enabled: true, expiresAfterS: 10 }, 'callback.expiresAfterS'],
    ['a negative offer time', { enabled: true, offerAfterS: -1 }, 'callback.offerAfterS'],
    ['no enabled flag', { key: '1' }, 'callback.enabled'],
  ])('refuses %s with a 400 naming the field', async (_name, callback, field) => {
    const res = await api('POST', '', settings({ callback }));
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: Body) => d.field)).toContain(field);
  });
});
