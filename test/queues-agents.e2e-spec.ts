import Redis from 'ioredis';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { eventStreamKey } from 'src/events/admin-events.service';
import { QueueDistribution } from 'src/queues/queue-distribution.service';
import { sim, sql, until } from './callbacks-kit';
import { type TestApp } from './test-app';
import { createQueueTestApp } from './queue-kit';
import { TEST_REDIS_URL } from './test-env';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers used here only. The simulator's rules below decide which agents answer.
const QUEUE_NUMBER = '+46101239101';
const CALLERS = ['+46701239101', '+46701239102', '+46701239103', '+46701239104', '+46701239105'];
const ANSWERS = ['+46701239210', '+46701239211', '+46701239212', '+46701239213', '+46701239214', '+46701239215'];
const NEVER_ANSWERS = '+46701239290';
const RINGS_LONG = '+46701239291';
// A campaign's callee who asks for an agent.
const CALLEE = '+46701239180';
const CONSENTING_CALLEE = '+46701239181';
const SCALE = 200;
// Callers and answering agents stay on the line for an hour (18 real seconds) unless hung up.
const RULES = [
  { match: NEVER_ANSWERS, outcome: 'noanswer', ringTimeS: 30 },
  { match: RINGS_LONG, outcome: 'answered', ringTimeS: 3000 },
  { match: '+467012391*', outcome: 'answered', talkTimeS: 3600 },
  { match: '+467012392*', outcome: 'answered', ringTimeS: 2, talkTimeS: 3600 },
];

describe('Queue agents and distribution (e2e)', () => {
  let t: TestApp;
  const agentsApi = (method: string, path: string, body?: unknown, key?: string | null) => t.request(method, `/api/v1/agents${path}`, { body, key });
  const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const newQueue = async (overrides: Body = {}): Promise<string> => {
    const res = await t.request('POST', '/api/v1/queues', { body: { name: `q-${unique()}`, holdPrompt: 'Please hold', ...overrides } });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const newAgent = async (endpoint: string, queues: { queueId: string; skill?: number }[], available = true): Promise<string> => {
    const res = await agentsApi('POST', '', { name: `agent ${unique()}`, endpointType: 'pstn', endpoint, queues });
    expect(res.status).toBe(201);
    if (available) expect((await agentsApi('PUT', `/${res.body.id}/status`, { status: 'available' })).status).toBe(200);
    return res.body.id;
  };
  const routeTo = async (queueId: string) => {
    const [{ id }] = await sql(t, 'SELECT id FROM phone_numbers WHERE number = $1', [QUEUE_NUMBER]);
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route: { type: 'queue', target: queueId } } })).status).toBe(200);
  };
  const inbound = async (from: string): Promise<string> => (await sim(t, 'POST', '/_sim/inbound', { from, to: QUEUE_NUMBER })).callId;
  const entry = (sinchCallId: string, where = 'TRUE') =>
    until(async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND ${where}`, [sinchCallId]))[0], 15_000);
  // Agents and callers from earlier tests are taken out of the way.
  const reset = async () => {
    await sql(t, `UPDATE agents SET status = 'offline'`);
    await sql(t, `UPDATE queue_entries SET state = 'removed', ended_at = now() WHERE state IN ('waiting', 'offered')`);
  };

  beforeAll(async () => {
    t = await createQueueTestApp({ scale: SCALE, numbers: [QUEUE_NUMBER], rules: RULES, env: { QUEUE_SHORT_ABANDON_S: '1' } });
  });

  afterAll(async () => {
    // Closing while a DiCE is still on its way would leave the embedded simulator and the app waiting on each other.
    await until(async () => (await sim(t, 'GET', '/_sim/calls')).calls.every((c: Body) => c.phase === 'ended'), 30_000);
    await until(
      async () => (await sql(t, `SELECT count(*)::int AS n FROM queue_entries WHERE state IN ('waiting', 'offered', 'connected')`))[0].n === 0,
      30_000,
    );
    await sim(t, 'PUT', '/_sim/rules', { rules: [] });
    // The run's database is shared: its numbers are left as they were found.
    await sql(t, 'DELETE FROM number_route_audits WHERE number = ANY($1)', [[QUEUE_NUMBER]]);
    await sql(t, 'DELETE FROM phone_numbers WHERE number = ANY($1)', [[QUEUE_NUMBER]]);
    await t.close();
  });

  beforeEach(reset);

  describe('the agents API', () => {
    it('creates an agent with queues and skills, sets and records its status, replaces and deletes it', async () => {
      const queueId = await newQueue();
      const created = await agentsApi(
        'POST',
        '',
        { name: 'Alice', endpointType: 'pstn', endpoint: ANSWERS[0], queues: [{ queueId, skill: 7 }] },
        t.keys.supervisor,
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Alice',
        endpointType: 'pstn',
        endpoint: ANSWERS[0],
        status: 'offline',
        queues: [{ queueId, skill: 7 }],
        apiKeyId: null,
      });
      const id = created.body.id;
      expect((await agentsApi('PUT', `/${id}/status`, { status: 'available' }, t.keys.supervisor)).body).toMatchObject({ status: 'available' });
      expect((await agentsApi('PUT', `/${id}/status`, { status: 'away' })).body).toMatchObject({ status: 'away', idleSince: null });
      const history = await agentsApi('GET', `/${id}/history`, undefined, t.keys.reporting);
      expect(history.body.items.map((h: Body) => h.status)).toEqual(['away', 'available', 'offline']);
      const replaced = await agentsApi('PUT', `/${id}`, { name: 'Alice B', endpointType: 'user', endpoint: 'alice', queues: [] });
      expect(replaced.body).toMatchObject({ name: 'Alice B', endpointType: 'user', endpoint: 'alice', queues: [], status: 'away' });
      expect((await agentsApi('GET', '', undefined, t.keys.reporting)).body.items.map((a: Body) => a.id)).toContain(id);
      expect((await agentsApi('DELETE', `/${id}`)).status).toBe(204);
      expect((await agentsApi('GET', `/${id}`)).status).toBe(404);
    });

    it('lets a key bound to an agent see itself, set its own status (not busy) and see its calls', async () => {
      const keys = t.app.get(ApiKeysService);
      const bound = await keys.create(`agent ${unique()}`, 'agent', null);
      const unbound = await keys.create(`agent ${unique()}`, 'agent', null);
      const id = (await agentsApi('POST', '', { name: 'Bob', endpointType: 'sip', endpoint: 'sip:bob@pbx.example.com', apiKeyId: bound.id })).body.id;
      expect((await agentsApi('GET', '/me', undefined, bound.key)).body).toMatchObject({ id, name: 'Bob' });
      expect((await agentsApi('PUT', '/me/status', { status: 'available' }, bound.key)).body).toMatchObject({ id, status: 'available' });
      const busy = await agentsApi('PUT', '/me/status', { status: 'busy' }, bound.key);
      expect(busy.status).toBe(400);
      expect(busy.body.details[0].field).toBe('status');
      expect((await agentsApi('GET', '/me/calls', undefined, bound.key)).body).toEqual({ items: [] });
      expect((await agentsApi('GET', '/me', undefined, unbound.key)).status).toBe(403);
      expect((await agentsApi('GET', `/${id}`, undefined, bound.key)).status).toBe(403);
      expect((await agentsApi('PUT', `/${id}/status`, { status: 'away' }, bound.key)).status).toBe(403);
      // One key, one agent.
      const twice = await agentsApi('POST', '', { name: 'Bob 2', endpointType: 'user', endpoint: 'bob2', apiKeyId: bound.id });
      expect(twice.status).toBe(400);
      expect(twice.body.details[0]).toMatchObject({ field: 'apiKeyId', rule: 'unique' });
    });

    it('answers 401 without a key and 403 to roles that may not', async () => {
      const id = await newAgent(ANSWERS[0], [], false);
      for (const [method, path] of [
        ['GET', ''],
        ['POST', ''],
        ['GET', `/${id}`],
        ['PUT', `/${id}`],
        ['DELETE', `/${id}`],
        ['PUT', `/${id}/status`],
        ['GET', `/${id}/history`],
        ['GET', '/me'],
        ['PUT', '/me/status'],
        ['GET', '/me/calls'],
      ]) {
        expect([method, path, (await agentsApi(method, path, method === 'GET' ? undefined : {}, null)).status]).toEqual([method, path, 401]);
      }
      const body = { name: 'x', endpointType: 'pstn', endpoint: ANSWERS[1] };
      expect((await agentsApi('POST', '', body, t.keys.reporting)).status).toBe(403);
      expect((await agentsApi('POST', '', body, t.keys.agent)).status).toBe(403);
      expect((await agentsApi('PUT', `/${id}/status`, { status: 'available' }, t.keys.reporting)).status).toBe(403);
      expect((await agentsApi('DELETE', `/${id}`, undefined, t.keys.reporting)).status).toBe(403);
      expect((await agentsApi('GET', '/me', undefined, t.keys.reporting)).status).toBe(403);
    });

    it.each([
      ['an endpoint not reachable for its type', { endpointType: 'pstn', endpoint: 'sip:x@y' }, 'endpoint'],
      ['a SIP endpoint that is not a URI', { endpointType: 'sip', endpoint: 'bob' }, 'endpoint'],
      ['an unknown endpoint type', { endpointType: 'fax' }, 'endpointType'],
      ['an unknown queue', { queues: [{ queueId: '00000000-0000-4000-8000-000000000000' }] }, 'queues[0].queueId'],
      ['a skill over the maximum', { queues: [{ queueId: '00000000-0000-4000-8000-000000000000', skill: 11 }] }, 'queues[0].skill'],
      ['a key that is not an agent key', { apiKeyId: 'ADMIN' }, 'apiKeyId'],
    ])('refuses %s with a 400 naming the field, storing nothing', async (_name, overrides, field) => {
      const admin = (await sql(t, `SELECT id FROM api_keys WHERE role = 'admin' LIMIT 1`))[0].id;
      const body: Body = { name: 'x', endpointType: 'pstn', endpoint: ANSWERS[1], ...overrides };
      if (body.apiKeyId === 'ADMIN') body.apiKeyId = admin;
      const before = await sql(t, 'SELECT count(*)::int AS n FROM agents');
      const res = await agentsApi('POST', '', body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: Body) => d.field)).toContain(field);
      expect(await sql(t, 'SELECT count(*)::int AS n FROM agents')).toEqual(before);
    });
  });

  describe('distribution', () => {
    it('parks the caller, rings the agent into a bridge room with a whisper, then unparks the caller into it', async () => {
      const queueId = await newQueue({ greeting: 'Welcome' });
      const agentId = await newAgent(ANSWERS[0], [{ queueId }]);
      await routeTo(queueId);
      const callId = await inbound(CALLERS[0]);
      const connected = await entry(callId, `state = 'connected'`);
      expect(connected).toMatchObject({ queue_id: queueId, agent_id: agentId });
      const room = `qe-${connected.id}`;
      const leg = (await sql(t, 'SELECT * FROM calls WHERE id = $1', [connected.agent_call_id]))[0];
      expect(leg).toMatchObject({ to_number: ANSWERS[0], queue_id: queueId });
      const callout = (await simEvents(`kind=rest&callId=${leg.sinch_call_id}`)).find((e) => e.method === 'POST');
      expect(callout?.request).toMatchObject({
        method: 'conferenceCallout',
        conferenceCallout: { conferenceId: room, greeting: expect.stringMatching(/^Call from queue q-.*, waited less than a minute\.$/) },
      });
      const unpark = await until(
        async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH' && (e.request as Body).action.name === 'connectConf'),
        10_000,
      );
      expect(unpark.request).toEqual({ action: { name: 'connectConf', conferenceId: room } });
      const conference = await until(
        async () => (await sim(t, 'GET', '/_sim/conferences')).conferences.find((c: Body) => c.conferenceId === room && c.participants?.length === 2),
        10_000,
      );
      expect(conference.participants.map((p: Body) => p.callId).sort()).toEqual([callId, leg.sinch_call_id].sort());
      expect((await agentsApi('GET', `/${agentId}`)).body.status).toBe('busy');

      // The caller hangs up: the talk is complete, the agent's leg ends too and the agent is free again.
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
      expect(await entry(callId, `state = 'completed'`)).toMatchObject({ end_reason: 'caller_hangup' });
      await until(async () => (await agentsApi('GET', `/${agentId}`)).body.status === 'available', 10_000);
      expect((await agentsApi('GET', `/${agentId}/calls`)).body.items[0]).toMatchObject({ entryId: connected.id, state: 'completed' });

      // Every step is on the admin event stream (topics queues and agents), for wallboards.
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const entries = (await redis.xrange(eventStreamKey(t.config), '-', '+')).map(([, fields]) => ({
          topic: fields[1],
          type: fields[3],
          data: JSON.parse(fields[5]),
        }));
        const mine = entries.filter((e) => e.data.entryId === connected.id || e.data.sinchCallId === callId || e.data.agentId === agentId);
        expect(mine.map((e) => `${e.topic}:${e.type}`)).toEqual(
          expect.arrayContaining(['queues:caller.joined', 'queues:caller.offered', 'agents:agent.status', 'queues:caller.connected', 'queues:caller.ended']),
        );
        expect(mine.filter((e) => e.type === 'agent.status').map((e) => e.data.status)).toEqual(['available', 'busy', 'available']);
      } finally {
        redis.disconnect();
      }
    });

    it('offers the highest priority, then longest-waiting caller to the best-skilled, then longest-idle agent', async () => {
      const queueId = await newQueue();
      await routeTo(queueId);
      const first = await inbound(CALLERS[0]);
      await entry(first);
      const second = await inbound(CALLERS[1]);
      await entry(second);
      const urgent = await inbound(CALLERS[2]);
      await entry(urgent);
      await sql(t, 'UPDATE queue_entries SET priority = 5 WHERE sinch_call_id = $1', [urgent]);
      const low = await newAgent(ANSWERS[0], [{ queueId, skill: 1 }], false);
      const idleLonger = await newAgent(ANSWERS[1], [{ queueId, skill: 5 }], false);
      const idleShorter = await newAgent(ANSWERS[2], [{ queueId, skill: 5 }], false);
      // All three become available in one statement (so the sweep cannot interleave), idle times set apart.
      await sql(
        t,
        `UPDATE agents SET status = 'available', idle_since = CASE id WHEN $1::uuid THEN now() - interval '1 hour' WHEN $2::uuid THEN now() - interval '10 minutes' ELSE now() END WHERE id = ANY($3::uuid[])`,
        [low, idleLonger, [low, idleLonger, idleShorter]],
      );
      const offered = await Promise.all([urgent, first, second].map((c) => entry(c, `agent_id IS NOT NULL`)));
      expect(offered.map((e) => e.agent_id)).toEqual([idleLonger, idleShorter, low]);
      expect(new Date(offered[0].offered_at).getTime()).toBeLessThanOrEqual(new Date(offered[1].offered_at).getTime());
      expect(new Date(offered[1].offered_at).getTime()).toBeLessThanOrEqual(new Date(offered[2].offered_at).getTime());
      for (const c of [urgent, first, second]) await sim(t, 'POST', `/_sim/calls/${c}/hangup`, {});
    });

    it('sends an agent who does not answer away and offers the caller, in their place, to the next agent', async () => {
      const queueId = await newQueue({ agentAnswerTimeoutS: 60 });
      await routeTo(queueId);
      const silent = await newAgent(NEVER_ANSWERS, [{ queueId }], false);
      const next = await newAgent(ANSWERS[3], [{ queueId }], false);
      await sql(
        t,
        `UPDATE agents SET status = 'available', idle_since = CASE id WHEN $1::uuid THEN now() - interval '1 hour' ELSE now() END WHERE id = ANY($2::uuid[])`,
        [silent, [silent, next]],
      );
      const callId = await inbound(CALLERS[3]);
      const connected = await entry(callId, `state = 'connected'`);
      expect(connected.agent_id).toBe(next);
      expect((await agentsApi('GET', `/${silent}`)).body.status).toBe('away');
      expect((await agentsApi('GET', `/${silent}/history`)).body.items[0]).toMatchObject({ status: 'away', reason: 'no_answer:noanswer' });
      const calls = await sql(t, `SELECT to_number, state FROM calls WHERE queue_id = $1 AND direction = 'outbound' ORDER BY created_at`, [queueId]);
      expect(calls.map((c) => c.to_number)).toEqual([NEVER_ANSWERS, ANSWERS[3]]);
      expect(calls[0].state).toBe('no_answer');
      // The caller's place: the same entry, the original enqueue time.
      expect((await sql(t, 'SELECT count(*)::int AS n FROM queue_entries WHERE sinch_call_id = $1', [callId]))[0].n).toBe(1);
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    });

    it('sets away an agent whose leg Sinch would refuse, and offers the caller to the next agent in the same pass', async () => {
      const queueId = await newQueue();
      await routeTo(queueId);
      const broken = await newAgent(ANSWERS[4], [{ queueId }], false);
      const next = await newAgent(ANSWERS[5], [{ queueId }], false);
      // An endpoint stored before today's checks (no leading plus): the longest idle, so matched first.
      await sql(
        t,
        `UPDATE agents SET endpoint = CASE id WHEN $1::uuid THEN ltrim(endpoint, '+') ELSE endpoint END, status = 'available',
           idle_since = CASE id WHEN $1::uuid THEN now() - interval '1 hour' ELSE now() END WHERE id = ANY($2::uuid[])`,
        [broken, [broken, next]],
      );
      const callId = await inbound(CALLERS[4]);
      const connected = await entry(callId, `state = 'connected'`);
      expect(connected.agent_id).toBe(next);
      expect((await agentsApi('GET', `/${broken}`)).body.status).toBe('away');
      expect((await agentsApi('GET', `/${broken}/history`)).body.items[0]).toMatchObject({
        status: 'away',
        reason: expect.stringContaining('destination.endpoint e164'),
      });
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    });

    it('cancels the ringing agent leg when the caller hangs up, and frees the agent', async () => {
      const queueId = await newQueue({ agentAnswerTimeoutS: 120 });
      await routeTo(queueId);
      const agentId = await newAgent(RINGS_LONG, [{ queueId }]);
      const callId = await inbound(CALLERS[0]);
      const offered = await entry(callId, `state = 'offered'`);
      const leg = await until(
        async () => (await sql(t, 'SELECT * FROM calls WHERE id = $1 AND sinch_call_id IS NOT NULL', [offered.agent_call_id]))[0],
        10_000,
      );
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${leg.sinch_call_id}`)).phase === 'ringing', 10_000);
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
      expect(await entry(callId, `state = 'abandoned'`)).toMatchObject({ end_reason: 'caller_hangup_offered', answered_at: null });
      const cancelled = await until(
        async () => (await sql(t, `SELECT * FROM calls WHERE id = $1 AND final_source IS NOT NULL`, [offered.agent_call_id]))[0],
        10_000,
      );
      expect(cancelled.state).toBe('cancelled');
      await until(async () => (await agentsApi('GET', `/${agentId}`)).body.status === 'available', 10_000);
      expect((await agentsApi('GET', `/${agentId}/history`)).body.items[0]).toMatchObject({ status: 'available', reason: 'caller_left' });
    });

    it('resolves an offer a killed worker left behind: the caller waits again, in place', async () => {
      const queueId = await newQueue({ agentAnswerTimeoutS: 5 });
      await routeTo(queueId);
      const agentId = await newAgent(ANSWERS[0], [{ queueId }], false);
      const callId = await inbound(CALLERS[0]);
      const waiting = await entry(callId);
      // As a worker that died after committing the offer and before its leg was ever dialled leaves it.
      await sql(t, `UPDATE agents SET status = 'busy' WHERE id = $1`, [agentId]);
      await sql(
        t,
        `UPDATE queue_entries SET state = 'offered', agent_id = $2, agent_call_id = gen_random_uuid(), offered_at = now() - interval '40 seconds' WHERE id = $1`,
        [waiting.id, agentId],
      );
      const back = await entry(callId, `state = 'waiting'`);
      expect(back).toMatchObject({ agent_id: null, agent_call_id: null, offered_at: null });
      expect(back.enqueued_at).toEqual(waiting.enqueued_at);
      expect((await agentsApi('GET', `/${agentId}/history`)).body.items[0]).toMatchObject({ status: 'away', reason: 'no_answer:stale' });
      // Still parked, and re-parked: not stranded.
      expect((await sim(t, 'GET', `/_sim/calls/${callId}`)).parked).toBe(true);
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    });

    it('never offers one caller to two agents nor one agent two callers, with distribution running concurrently', async () => {
      const queueId = await newQueue();
      await routeTo(queueId);
      const agents = await Promise.all(ANSWERS.slice(0, 2).map((n) => newAgent(n, [{ queueId }], false)));
      const callers = await Promise.all(CALLERS.map((c) => inbound(c)));
      await Promise.all(callers.map((c) => entry(c)));
      await sql(t, `UPDATE agents SET status = 'available', idle_since = now() WHERE id = ANY($1::uuid[])`, [agents]);
      const distribution = t.app.get(QueueDistribution);
      // Four passes at once beside the sweep's own: each in its own transaction and connection.
      const offers = await Promise.all([1, 2, 3, 4].map(() => distribution.distribute()));
      expect(offers.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
      // The sweep's pass (or a kick's) may still be committing its offer: wait for both, then check nothing more came.
      await until(
        async () => (await sql(t, `SELECT count(*)::int AS n FROM calls WHERE queue_id = $1 AND direction = 'outbound'`, [queueId]))[0].n >= 2,
        10_000,
      );
      const legs = await sql(t, `SELECT to_number FROM calls WHERE queue_id = $1 AND direction = 'outbound'`, [queueId]);
      expect(legs.map((l) => l.to_number).sort()).toEqual(ANSWERS.slice(0, 2).sort());
      const taken = await sql(t, `SELECT agent_id FROM queue_entries WHERE queue_id = $1 AND agent_id IS NOT NULL`, [queueId]);
      expect(taken.map((e) => e.agent_id).sort()).toEqual([...agents].sort());
      for (const c of callers) await sim(t, 'POST', `/_sim/calls/${c}/hangup`, {});
    });
  });

  describe('campaign IVR "talk to an agent"', () => {
    it('hands the callee who presses the agent key to the queue (parked, then connected to an agent); an unknown queue is a 400', async () => {
      const queueId = await newQueue({ greeting: 'Connecting you to an agent' });
      const ivr = (agentQueueId: string) => ({
        name: `campaign ${unique()}`,
        callerIds: ['+14045001000'],
        locale: 'en-US',
        message: { type: 'ivr', prompt: 'Press 0 for an agent.', options: [{ digit: '0', action: 'agent' }], agentQueueId },
        callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
        defaultTimeZone: 'Europe/Stockholm',
        pacing: { callsPerSecond: 5, maxConcurrent: 5 },
      });
      const unknown = await t.request('POST', '/api/v1/campaigns', { body: ivr('3f0c1d7e-0000-4000-8000-000000000000') });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'message.agentQueueId', rule: 'exists' })]);

      const created = await t.request('POST', '/api/v1/campaigns', { body: ivr(queueId) });
      expect(created.status).toBe(201);
      // The callee rings a while (3 real seconds), so the key is in before the menu starts and the menu takes it.
      await sim(t, 'PUT', '/_sim/rules', {
        rules: [
          { match: CALLEE, outcome: 'answered', ringTimeS: 600, talkTimeS: 3600 },
          { match: '+467012392*', outcome: 'answered', ringTimeS: 2, talkTimeS: 3600 },
        ],
      });
      try {
        expect((await t.request('POST', `/api/v1/campaigns/${created.body.id}/contacts`, { body: { contacts: [{ phone: CALLEE }] } })).status).toBe(200);
        expect((await t.request('POST', `/api/v1/campaigns/${created.body.id}/start`)).status).toBe(200);
        const callee = await until(
          async () =>
            (await sql(t, `SELECT sinch_call_id FROM calls WHERE campaign_id = $1 AND sinch_call_id IS NOT NULL`, [created.body.id]))[0]?.sinch_call_id,
          20_000,
        );
        await sim(t, 'POST', `/_sim/calls/${callee}/dtmf`, { digits: '0' });
        const pie = await until(async () => (await simEvents(`kind=callback&callId=${callee}&event=pie`))[0]?.response, 15_000);
        expect(pie).toMatchObject({ action: { name: 'park', introPrompt: '#tts[Connecting you to an agent]' } });
        expect(await entry(callee)).toMatchObject({ queue_id: queueId, entry_route: 'campaign', dialled: '+14045001000' });
        const agentId = await newAgent(ANSWERS[3], [{ queueId }]);
        const connected = await entry(callee, `state = 'connected'`);
        expect(connected).toMatchObject({ agent_id: agentId });
        // The parked callee is unparked into the agent's room: the service PATCHes the call and both are in it.
        const room = `qe-${connected.id}`;
        const unpark = await until(
          async () => (await simEvents(`kind=rest&callId=${callee}`)).find((e) => e.method === 'PATCH' && (e.request as Body).action.name === 'connectConf'),
          10_000,
        );
        expect(unpark.request).toEqual({ action: { name: 'connectConf', conferenceId: room } });
        const conference = await until(
          async () => (await sim(t, 'GET', '/_sim/conferences')).conferences.find((c: Body) => c.conferenceId === room && c.participants?.length === 2),
          10_000,
        );
        const leg = (await sql(t, 'SELECT sinch_call_id FROM calls WHERE id = $1', [connected.agent_call_id]))[0];
        expect(conference.participants.map((p: Body) => p.callId).sort()).toEqual([callee, leg.sinch_call_id].sort());
        await sim(t, 'POST', `/_sim/calls/${callee}/hangup`, {});
        await entry(callee, `state = 'completed'`);
        await until(async () => (await agentsApi('GET', `/${agentId}`)).body.status === 'available', 10_000);
      } finally {
        await sim(t, 'PUT', '/_sim/rules', { rules: RULES });
      }
    });

    it('lets the queue answer its own consent menu: the callee the IVR sent there is parked, not hung up by the campaign', async () => {
      const queueId = await newQueue({ greeting: 'Connecting you to an agent' });
      const policy = await t.request('PUT', `/api/v1/recordings/policies/queue/${queueId}`, {
        body: { mode: 'consent', optOut: true, notice: 'We record calls.' },
      });
      expect(policy.status).toBe(200);
      const created = await t.request('POST', '/api/v1/campaigns', {
        body: {
          name: `campaign ${unique()}`,
          callerIds: ['+14045001000'],
          locale: 'en-US',
          message: { type: 'ivr', prompt: 'Press 0 for an agent.', options: [{ digit: '0', action: 'agent' }], agentQueueId: queueId },
          callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
          defaultTimeZone: 'Europe/Stockholm',
          pacing: { callsPerSecond: 5, maxConcurrent: 5 },
        },
      });
      expect(created.status).toBe(201);
      await sim(t, 'PUT', '/_sim/rules', { rules: [{ match: CONSENTING_CALLEE, outcome: 'answered', ringTimeS: 600, talkTimeS: 3600 }, ...RULES] });
      try {
        const contacts = { contacts: [{ phone: CONSENTING_CALLEE }] };
        expect((await t.request('POST', `/api/v1/campaigns/${created.body.id}/contacts`, { body: contacts })).status).toBe(200);
        expect((await t.request('POST', `/api/v1/campaigns/${created.body.id}/start`)).status).toBe(200);
        const callee = await until(
          async () =>
            (await sql(t, `SELECT sinch_call_id FROM calls WHERE campaign_id = $1 AND sinch_call_id IS NOT NULL`, [created.body.id]))[0]?.sinch_call_id,
          20_000,
        );
        await sim(t, 'POST', `/_sim/calls/${callee}/dtmf`, { digits: '0' });
        const pieOf = (prefix: string) =>
          until(
            async () =>
              (await simEvents(`kind=callback&callId=${callee}&event=pie`)).find((e) =>
                String((e.request as Body)?.menuResult?.menuId ?? '').startsWith(prefix),
              )?.response,
            15_000,
          );
        // The campaign's menu: the queue asks its recording question first.
        const asked = await pieOf('main');
        expect(asked.action.name).toBe('runMenu');
        expect(asked.action.menus[0].id).toMatch(/^rq:/);
        // The queue's consent menu result (no key: consent) is the queue's to answer: parked and recorded.
        const parked = await pieOf('rq:');
        expect(parked.action.name).toBe('park');
        expect(await entry(callee)).toMatchObject({ queue_id: queueId, entry_route: 'campaign', state: 'waiting' });
        await sim(t, 'POST', `/_sim/calls/${callee}/hangup`, {});
      } finally {
        await sim(t, 'PUT', '/_sim/rules', { rules: RULES });
      }
    });
  });

  describe('supervisor control', () => {
    const callersApi = (queueId: string, path = '', method = 'GET', body?: unknown, key?: string | null) =>
      t.request(method, `/api/v1/queues/${queueId}/callers${path}`, { body, key });

    it('lists the waiting callers in order; a raised priority moves a caller up', async () => {
      const queueId = await newQueue();
      await routeTo(queueId);
      const first = await inbound(CALLERS[0]);
      const firstEntry = await entry(first);
      const second = await inbound(CALLERS[1]);
      const secondEntry = await entry(second);
      const listed = await callersApi(queueId, '', 'GET', undefined, t.keys.reporting);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          entryId: firstEntry.id,
          position: 1,
          state: 'waiting',
          fromNumber: CALLERS[0],
          dialled: QUEUE_NUMBER,
          entryRoute: 'number',
          priority: 0,
          agentId: null,
        }),
        expect.objectContaining({ entryId: secondEntry.id, position: 2, fromNumber: CALLERS[1] }),
      ]);
      expect(listed.body.items[0].waitS).toBeGreaterThanOrEqual(0);
      expect((await callersApi(queueId, `/${secondEntry.id}`, 'PATCH', { priority: 3 }, t.keys.supervisor)).status).toBe(204);
      expect((await callersApi(queueId)).body.items.map((c: Body) => [c.entryId, c.position, c.priority])).toEqual([
        [secondEntry.id, 1, 3],
        [firstEntry.id, 2, 0],
      ]);
      for (const c of [first, second]) await sim(t, 'POST', `/_sim/calls/${c}/hangup`, {});
    });

    it("moves a caller to another queue keeping the wait, re-parked with the new queue's prompts", async () => {
      const from = await newQueue();
      const to = await newQueue({ greeting: 'Billing here', holdPrompt: 'Billing will be with you' });
      await routeTo(from);
      const callId = await inbound(CALLERS[0]);
      const before = await entry(callId);
      expect((await callersApi(from, `/${before.id}/move`, 'POST', { queueId: to })).status).toBe(204);
      const after = (await sql(t, 'SELECT * FROM queue_entries WHERE id = $1', [before.id]))[0];
      expect(after).toMatchObject({ queue_id: to, state: 'waiting', entry_route: 'moved' });
      expect(after.enqueued_at).toEqual(before.enqueued_at);
      const patch = await until(async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH'), 10_000);
      expect(patch.request).toEqual({
        action: { name: 'park', introPrompt: '#tts[Billing here]', holdPrompt: '#tts[Billing will be with you]', maxDuration: 600 },
      });
      expect((await callersApi(to)).body.items.map((c: Body) => c.entryId)).toEqual([before.id]);
      // Moving it again from the queue it left is a 404; to itself or an unknown queue a 400.
      expect((await callersApi(from, `/${before.id}/move`, 'POST', { queueId: to })).status).toBe(404);
      expect((await callersApi(to, `/${before.id}/move`, 'POST', { queueId: to })).status).toBe(400);
      expect((await callersApi(to, `/${before.id}/move`, 'POST', { queueId: '00000000-0000-4000-8000-000000000000' })).body.details[0].field).toBe('queueId');
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    });

    it('sends a caller to a given agent or to a number, and refuses a pick of a caller who already left', async () => {
      const queueId = await newQueue();
      await routeTo(queueId);
      // Not serving this queue, and offline: not available for a pick until they say so.
      const agentId = await newAgent(ANSWERS[1], [], false);
      const callId = await inbound(CALLERS[0]);
      const waiting = await entry(callId);
      const busy = await callersApi(queueId, `/${waiting.id}/send`, 'POST', { agentId });
      expect(busy.status).toBe(409);
      await agentsApi('PUT', `/${agentId}/status`, { status: 'available' });
      expect((await callersApi(queueId, `/${waiting.id}/send`, 'POST', { agentId }, t.keys.supervisor)).status).toBe(204);
      expect(await entry(callId, `state = 'connected'`)).toMatchObject({ agent_id: agentId });

      const other = await inbound(CALLERS[1]);
      const otherEntry = await entry(other);
      expect((await callersApi(queueId, `/${otherEntry.id}/send`, 'POST', { number: ANSWERS[2] })).status).toBe(204);
      const connected = await entry(other, `state = 'connected'`);
      expect(connected.agent_id).toBeNull();
      expect((await sql(t, 'SELECT to_number FROM calls WHERE id = $1', [connected.agent_call_id]))[0].to_number).toBe(ANSWERS[2]);

      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
      await entry(callId, `state = 'completed'`);
      const late = await callersApi(queueId, `/${waiting.id}/send`, 'POST', { agentId });
      expect(late.status).toBe(409);
      expect(late.body.message).toMatch(/not waiting \(completed\)/);
      expect((await callersApi(queueId, '/00000000-0000-4000-8000-000000000000/send', 'POST', { agentId })).status).toBe(404);
      expect((await callersApi(queueId, `/${otherEntry.id}/send`, 'POST', {})).status).toBe(400);
      expect((await callersApi(queueId, `/${otherEntry.id}/send`, 'POST', { number: '12' })).body.details[0].field).toBe('number');
      await sim(t, 'POST', `/_sim/calls/${other}/hangup`, {});
    });

    it('removes a caller with a message', async () => {
      const queueId = await newQueue();
      await routeTo(queueId);
      const callId = await inbound(CALLERS[0]);
      const waiting = await entry(callId);
      expect((await callersApi(queueId, `/${waiting.id}/remove`, 'POST', { message: 'We will call you back' })).status).toBe(204);
      expect((await sql(t, 'SELECT state, end_reason FROM queue_entries WHERE id = $1', [waiting.id]))[0]).toEqual({
        state: 'removed',
        end_reason: 'supervisor',
      });
      const patch = await until(async () => (await simEvents(`kind=rest&callId=${callId}`)).find((e) => e.method === 'PATCH'), 10_000);
      expect(patch.request).toEqual({ instructions: [{ name: 'say', text: 'We will call you back' }], action: { name: 'hangup' } });
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).phase === 'ended', 10_000);
      expect((await callersApi(queueId, `/${waiting.id}/remove`, 'POST', {})).status).toBe(409);
      // The DiCE does not turn a removal into an abandon.
      expect((await sql(t, 'SELECT state FROM queue_entries WHERE id = $1', [waiting.id]))[0].state).toBe('removed');
    });

    it('answers 401 without a key, 403 to roles that may not, 400 to bad ids and bodies', async () => {
      const queueId = await newQueue();
      const entryPath = '/00000000-0000-4000-8000-000000000000';
      for (const [path, method] of [
        ['', 'GET'],
        [entryPath, 'PATCH'],
        [`${entryPath}/move`, 'POST'],
        [`${entryPath}/send`, 'POST'],
        [`${entryPath}/remove`, 'POST'],
      ]) {
        expect([path, method, (await callersApi(queueId, path, method, method === 'GET' ? undefined : {}, null)).status]).toEqual([path, method, 401]);
        if (method !== 'GET') expect([path, method, (await callersApi(queueId, path, method, {}, t.keys.reporting)).status]).toEqual([path, method, 403]);
        expect([path, method, (await callersApi(queueId, path, method, method === 'GET' ? undefined : {}, t.keys.agent)).status]).toEqual([path, method, 403]);
      }
      expect((await callersApi(queueId, '/nope', 'PATCH', { priority: 1 })).status).toBe(400);
      expect((await callersApi(queueId, entryPath, 'PATCH', { priority: 1000 })).body.details[0].field).toBe('priority');
      expect((await callersApi('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('statistics', () => {
    it('reports live figures and figures over a period that equal the call log', async () => {
      const started = new Date(Date.now() - 1000);
      const queueId = await newQueue();
      await routeTo(queueId);
      const agentId = await newAgent(ANSWERS[0], [{ queueId }]);
      // Answered, then the caller hangs up.
      const answered = await inbound(CALLERS[0]);
      await entry(answered, `state = 'connected'`);
      await sim(t, 'POST', `/_sim/calls/${answered}/hangup`, {});
      await entry(answered, `state = 'completed'`);
      await until(async () => (await agentsApi('GET', `/${agentId}`)).body.status === 'available', 10_000);
      await agentsApi('PUT', `/${agentId}/status`, { status: 'away' });
      // A short abandon (under QUEUE_SHORT_ABANDON_S = 1 s) and a real one.
      const short = await inbound(CALLERS[1]);
      await entry(short);
      await sim(t, 'POST', `/_sim/calls/${short}/hangup`, {});
      await entry(short, `state = 'abandoned'`);
      const patient = await inbound(CALLERS[2]);
      const waiting = await entry(patient);

      const live = await t.request('GET', `/api/v1/queues/${queueId}/stats/live`, { key: t.keys.reporting });
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({
        queueId,
        waiting: 1,
        offered: 0,
        connected: 0,
        agents: { offline: 0, available: 0, busy: 0, wrap_up: 0, away: 1 },
        expectedWaitS: null,
      });
      expect(live.body.longestWaitS).toBeGreaterThanOrEqual(0);
      expect(live.body.recentHandleTimeS).toBeGreaterThanOrEqual(0);

      await until(async () => Date.now() - new Date(waiting.enqueued_at).getTime() > 2500, 5_000);
      await sim(t, 'POST', `/_sim/calls/${patient}/hangup`, {});
      await entry(patient, `state = 'abandoned'`);

      const res = await t.request('GET', `/api/v1/queues/${queueId}/stats?from=${started.toISOString()}&to=${new Date(Date.now() + 1000).toISOString()}`, {
        key: t.keys.reporting,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        queueId,
        offered: 3,
        answered: 1,
        abandoned: 1,
        shortAbandoned: 1,
        abandonRate: 0.5,
        serviceLevel: 0.5,
        serviceLevelS: 20,
        overflowed: 0,
        removed: 0,
        failed: 0,
      });
      expect(res.body.p90WaitS).toBeGreaterThanOrEqual(res.body.avgWaitS);
      expect(res.body.avgHandleTimeS).toBeGreaterThanOrEqual(0);
      // The call log: three inbound calls took the queue route, and one agent leg was answered.
      const log = await sql(t, `SELECT count(*)::int AS n FROM calls WHERE sinch_call_id = ANY($1) AND inbound_route = 'queue'`, [[answered, short, patient]]);
      expect(log[0].n).toBe(res.body.offered);
      const legs = await sql(t, `SELECT count(*)::int AS n FROM calls WHERE queue_id = $1 AND direction = 'outbound' AND answered_at IS NOT NULL`, [queueId]);
      expect(legs[0].n).toBe(res.body.answered);
    });

    it('refuses a bad period with a 400 naming the field, and answers 401 / 403', async () => {
      const queueId = await newQueue();
      expect((await t.request('GET', `/api/v1/queues/${queueId}/stats?from=yesterday`)).body.details[0].field).toBe('from');
      expect((await t.request('GET', `/api/v1/queues/${queueId}/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`)).body.details[0]).toMatchObject({
        field: 'from',
        rule: 'before_to',
      });
      expect((await t.request('GET', `/api/v1/queues/${queueId}/stats?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`)).body.details[0]).toMatchObject({
        field: 'from',
        rule: 'max_period',
      });
      for (const path of ['stats', 'stats/live']) {
        expect((await t.request('GET', `/api/v1/queues/${queueId}/${path}`, { key: null })).status).toBe(401);
        expect((await t.request('GET', `/api/v1/queues/${queueId}/${path}`, { key: t.keys.agent })).status).toBe(403);
      }
      expect((await t.request('GET', '/api/v1/queues/00000000-0000-4000-8000-000000000000/stats/live')).status).toBe(404);
    });
  });
});
