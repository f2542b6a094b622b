import Redis from 'ioredis';
import { calleeEntryId } from 'src/campaigns/dialer/campaign-answers';
import { eventStreamKey } from 'src/events/admin-events.service';
import { campaignBody, createCampaign, importContacts } from './campaign-fixtures';
import { sim, sql, until } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';
import { TEST_REDIS_URL } from './test-env';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers used by this suite only (+46 70 1248 xxx). The simulator's rules play callees and agents:
//   …1xx a person who stays on the line until hung up; …2xx an answering machine; …3xx nobody answers;
//   …90x agents answering at once and talking HANDLE_S (simulated) seconds; …95x an agent whose phone rings on.
const SCALE = 20;
const HANDLE_S = 40; // 2 real seconds
const person = (i: number) => `+46701248${String(100 + i).padStart(3, '0')}`;
const machine = (i: number) => `+46701248${String(200 + i).padStart(3, '0')}`;
const nobody = (i: number) => `+46701248${String(300 + i).padStart(3, '0')}`;
const agentPhone = (i: number) => `+46701248${String(900 + i).padStart(3, '0')}`;
const SLOW_AGENT = '+46701248950';
const ONE_TRY = {
  busy: { delayS: 1, maxAttempts: 1 },
  noAnswer: { delayS: 1, maxAttempts: 1 },
  failed: { delayS: 1, maxAttempts: 1 },
  machine: { delayS: 1, maxAttempts: 1 },
};

describe('progressive and predictive dialing (e2e)', () => {
  let t: TestApp;
  const campaigns: string[] = [];
  const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const newQueue = async (): Promise<string> => {
    const res = await t.request('POST', '/api/v1/queues', { body: { name: `dial-${unique()}`, holdPrompt: 'Please hold', agentAnswerTimeoutS: 30 } });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const newAgent = async (endpoint: string, queueId: string): Promise<string> => {
    const res = await t.request('POST', '/api/v1/agents', { body: { name: `agent ${unique()}`, endpointType: 'pstn', endpoint, queues: [{ queueId }] } });
    expect(res.status).toBe(201);
    await setStatus(res.body.id, 'available');
    return res.body.id;
  };
  const setStatus = async (agentId: string, status: string) =>
    expect((await t.request('PUT', `/api/v1/agents/${agentId}/status`, { body: { status } })).status).toBe(200);
  // `prepare`: what to set on the campaign before it starts (a recording policy).
  // `overrides`: other campaign fields (an end time, a retry policy).
  const dialCampaign = async (dialing: Body, phones: string[], prepare?: (campaignId: string) => Promise<void>, overrides: Body = {}): Promise<string> => {
    const c = await createCampaign(t, {
      name: `dialing ${unique()}`,
      retryPolicy: ONE_TRY,
      pacing: { callsPerSecond: 20, maxConcurrent: 50 },
      dialing,
      ...overrides,
    });
    campaigns.push(c.id);
    await prepare?.(c.id);
    await importContacts(
      t,
      c.id,
      phones.map((phone, i) => ({ phone, attributes: { firstName: `Contact${i}`, plan: 'gold' } })),
    );
    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);
    return c.id;
  };
  const done = (campaignId: string, timeoutMs = 90_000) =>
    until(async () => (await t.request('GET', `/api/v1/campaigns/${campaignId}`)).body.status === 'completed', timeoutMs);
  const entries = (campaignId: string) => sql(t, 'SELECT * FROM queue_entries WHERE campaign_id = $1 ORDER BY enqueued_at', [campaignId]);
  const stats = async (campaignId: string): Promise<Body> => (await t.request('GET', `/api/v1/campaigns/${campaignId}/stats`)).body;
  const decisions = async (campaignId: string): Promise<Body[]> => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      return (await redis.xrange(eventStreamKey(t.config), '-', '+'))
        .map(([, f]) => ({ topic: f[1], type: f[3], data: JSON.parse(f[5]) as Body }))
        .filter((e) => e.type === 'campaign.dial_level' && e.data.campaignId === campaignId)
        .map((e) => e.data);
    } finally {
      redis.disconnect();
    }
  };
  // The call log's own count of callees who answered as people: answered calls less those AMD called machines.
  const peopleInCallLog = async (campaignId: string): Promise<number> =>
    (
      await sql(
        t,
        `SELECT count(*)::int AS n FROM calls k WHERE k.campaign_id = $1 AND k.answered_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM campaign_attempts a WHERE a.call_id = k.id AND a.outcome = 'machine')`,
        [campaignId],
      )
    )[0].n;

  beforeAll(async () => {
    t = await createTestApp({
      SIMULATOR_TIME_SCALE: String(SCALE),
      SINCH_CALLOUTS_PER_SECOND: '100',
      CALLOUT_CONCURRENCY: '50',
      CAMPAIGN_DIALER_INTERVAL_MS: '200',
      CAMPAIGN_CONFIG_REFRESH_MS: '300',
      CAMPAIGN_DIAL_DECIDE_MS: '400',
      QUEUE_SWEEP_MS: '200',
      QUEUE_REFRESH_MS: '300',
    });
    await sim(t, 'PUT', '/_sim/rules', {
      rules: [
        { match: '+46701248950', outcome: 'answered', ringTimeS: 3000, talkTimeS: 3600 },
        { match: '+4670124890?', outcome: 'answered', ringTimeS: 1, talkTimeS: HANDLE_S },
        { match: '+467012481??', outcome: 'answered', ringTimeS: 4, talkTimeS: 3600 },
        { match: '+467012482??', outcome: 'machine', ringTimeS: 4, talkTimeS: 20 },
        { match: '+467012483??', outcome: 'noanswer', ringTimeS: 6 },
      ],
    });
  });

  afterAll(async () => {
    for (const id of campaigns) await t.request('POST', `/api/v1/campaigns/${id}/cancel`);
    await sql(t, `UPDATE agents SET status = 'offline' WHERE endpoint LIKE '+46701248%'`);
    await until(async () => (await sim(t, 'GET', '/_sim/calls')).calls.every((c: Body) => c.phase === 'ended'), 60_000);
    await sim(t, 'PUT', '/_sim/rules', { rules: [] });
    await t.close();
  });

  describe('settings', () => {
    it('refuses predictive or progressive without a queue, an unknown queue, a cap over 3 % without a reason, a delay of 0', async () => {
      const problem = async (dialing: Body): Promise<Body> => {
        const res = await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ dialing }) });
        expect(res.status).toBe(400);
        return res.body.details[0];
      };
      expect(await problem({ mode: 'predictive' })).toMatchObject({ field: 'dialing.queueId', rule: 'required' });
      expect(await problem({ mode: 'progressive', queueId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
        field: 'dialing.queueId',
        rule: 'exists',
      });
      const queueId = await newQueue();
      expect(await problem({ mode: 'predictive', queueId, abandonCapPercent: 5 })).toMatchObject({ field: 'dialing.capOverrideReason', rule: 'legal_cap' });
      expect(await problem({ mode: 'predictive', queueId, connectDelayS: 0 })).toMatchObject({ field: 'dialing.connectDelayS', rule: 'range' });
      expect((await problem({ mode: 'turbo' })).field).toMatch(/mode/);

      const created = await t.request('POST', '/api/v1/campaigns', {
        body: campaignBody({ dialing: { mode: 'predictive', queueId, abandonCapPercent: 5, capOverrideReason: 'Regulator waiver 2026-17' } }),
      });
      expect(created.status).toBe(201);
      expect(created.body.dialing).toEqual({
        mode: 'predictive',
        queueId,
        abandonCapPercent: 5,
        capOverrideReason: 'Regulator waiver 2026-17',
        connectDelayS: 2,
        abandonMessage: null,
      });
      // A partial update keeps the rest; the whole is checked again.
      const updated = await t.request('PATCH', `/api/v1/campaigns/${created.body.id}`, { body: { dialing: { connectDelayS: 1.5 } } });
      expect(updated.status).toBe(200);
      expect(updated.body.dialing).toMatchObject({ mode: 'predictive', queueId, connectDelayS: 1.5, abandonCapPercent: 5 });
      const noReason = await t.request('PATCH', `/api/v1/campaigns/${created.body.id}`, { body: { dialing: { capOverrideReason: null } } });
      expect(noReason.status).toBe(400);
      expect(noReason.body.details[0]).toMatchObject({ field: 'dialing.capOverrideReason', rule: 'legal_cap' });
      // Agentless stays the default.
      expect((await createCampaign(t)).dialing).toMatchObject({ mode: 'agentless', queueId: null });
    });
  });

  describe('progressive', () => {
    it('gives every callee who answers an agent (none abandoned, each with an agent), whispers the contact to the agent, skips machines', async () => {
      const queueId = await newQueue();
      await newAgent(agentPhone(0), queueId);
      await newAgent(agentPhone(1), queueId);
      const people = [0, 1, 2, 3, 4, 5].map(person);
      // Agents are rung per call: on a loaded machine the service's own path to an agent (entry, distribution, the
      // agent's leg through the callouts queue, its ACE) can pass 2 s, which would abandon a callee for latency, not
      // for dialling ahead. The delay here leaves room for that.
      const id = await dialCampaign({ mode: 'progressive', queueId, connectDelayS: 10 }, [...people, machine(0), machine(1)]);
      await done(id);

      const rows = await entries(id);
      expect(rows).toHaveLength(people.length);
      expect(rows.filter((e) => e.end_reason === 'no_agent')).toEqual([]);
      expect(rows.every((e) => e.answered_at !== null && e.agent_id !== null && e.state === 'completed')).toBe(true);
      // Each entry (and room) is named from the callee's Sinch call id: a re-delivered ACE holds them in the same room.
      expect(rows.map((e) => e.id)).toEqual(rows.map((e) => calleeEntryId(e.sinch_call_id)));
      expect(rows.every((e) => e.entry_route === 'campaign_bridge')).toBe(true);
      // Each callee was in the agent's room (the agent's leg is a conference callout into it) with the contact's attributes.
      const leg = (await sql(t, 'SELECT sinch_call_id FROM calls WHERE id = $1', [rows[0].agent_call_id]))[0];
      const callout = (await simEvents(`kind=rest&callId=${leg.sinch_call_id}`)).find((e) => e.method === 'POST');
      expect(callout?.request.conferenceCallout).toMatchObject({
        conferenceId: `qe-${rows[0].id}`,
        // jsonb keeps its own key order.
        greeting: expect.stringMatching(/^Campaign dialing .*\. (firstName: Contact\d, plan: gold|plan: gold, firstName: Contact\d)\.$/),
      });

      const s = await stats(id);
      expect(s.attempts.byOutcome).toMatchObject({ answered: 6, machine: 2 });
      expect(s.dialing).toMatchObject({ mode: 'progressive', answeredByPerson: 6, connected: 6, abandoned: 0, abandonRatePercent: 0 });
      expect(s.dialing.answeredByPerson).toBe(await peopleInCallLog(id));
      expect(s.dialing.agentOccupancy).toBeGreaterThan(0);
      expect(s.dialing.averageConnectDelayMs).toBeGreaterThanOrEqual(0);
      expect(s.dialing.decision).toMatchObject({ mode: 'progressive', level: 1 });
    }, 180_000);

    it('handles an agent going away mid-run (no call for them) and an agent hanging up mid-call', async () => {
      const queueId = await newQueue();
      const agentId = await newAgent(agentPhone(2), queueId);
      const id = await dialCampaign({ mode: 'progressive', queueId, connectDelayS: 10 }, [10, 11, 12, 13].map(person));
      // The first callee is with the agent: the agent goes away (allowed only when not busy, so after this call).
      const first = await until(async () => (await entries(id)).find((e) => e.state === 'connected'), 30_000);
      // The agent hangs up on the callee mid-call: the callee's call ends too and the agent is free again.
      const agentLeg = (await sql(t, 'SELECT sinch_call_id FROM calls WHERE id = $1', [first.agent_call_id]))[0];
      await sim(t, 'POST', `/_sim/calls/${agentLeg.sinch_call_id}/hangup`);
      await until(async () => (await sql(t, 'SELECT state FROM queue_entries WHERE id = $1', [first.id]))[0].state === 'completed', 15_000);
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${first.sinch_call_id}`)).phase === 'ended', 15_000);
      // Away as soon as free: no further call is placed while away, however many ticks pass.
      await until(async () => (await sql(t, `SELECT status FROM agents WHERE id = $1`, [agentId]))[0].status === 'available', 15_000);
      await setStatus(agentId, 'away');
      // A tick that read the agent as free just before may still place its call (that callee then hears the abandon
      // message); once the dialer has decided after the change, nothing more is placed, however many ticks pass.
      const decidedAfter = async (at: number) =>
        until(async () => {
          const [c] = await sql(t, `SELECT dial_decision FROM campaigns WHERE id = $1`, [id]);
          return Date.parse(c.dial_decision.at) > at ? Date.parse(c.dial_decision.at) : undefined;
        }, 15_000);
      const settled = await decidedAfter(Date.now() + 500);
      const placed = async () => (await sql(t, 'SELECT count(*)::int AS n FROM calls WHERE campaign_id = $1', [id]))[0].n;
      const placedBefore = await placed();
      await decidedAfter(settled + 1000);
      expect(await placed()).toBe(placedBefore);
      await setStatus(agentId, 'available');
      await done(id);
      const s = await stats(id);
      expect(s.dialing.answeredByPerson).toBe(4);
      expect(s.dialing.connected + s.dialing.abandoned).toBe(4);
      expect(s.dialing.abandoned).toBe((await entries(id)).filter((e) => e.end_reason === 'no_agent').length);
    }, 180_000);

    it('with a consent-and-optOut recording policy: the callee is asked first, then held, recorded and given the agent', async () => {
      const queueId = await newQueue();
      await newAgent(agentPhone(5), queueId);
      const policy = async (campaignId: string) =>
        expect((await t.request('PUT', `/api/v1/recordings/policies/campaign/${campaignId}`, { body: { mode: 'consent', optOut: true } })).status).toBe(200);
      const id = await dialCampaign({ mode: 'progressive', queueId, connectDelayS: 10 }, [person(40)], policy);
      await done(id);
      const [row] = await entries(id);
      expect(row).toMatchObject({ state: 'completed' });
      expect(row.agent_id).not.toBeNull();
      // No key pressed: the consent menu's PIE answers the hold before the queue, recorded.
      const ace = (await simEvents(`kind=callback&callId=${row.sinch_call_id}&event=ace`))[0].response;
      expect(ace.action).toMatchObject({ name: 'runMenu', mainMenu: 'rec-consent' });
      const pie = (await simEvents(`kind=callback&callId=${row.sinch_call_id}&event=pie`))[0].response;
      expect(pie.instructions.map((i: Body) => i.name)).toContain('startRecording');
      expect(pie.action.name).toBe('connectConf');
    }, 120_000);
  });

  describe('predictive', () => {
    it('plays the abandon message to a callee no agent takes within the connect delay, counts it, and the cap holds the dialer to progressive', async () => {
      const queueId = await newQueue();
      const slowAgent = await newAgent(SLOW_AGENT, queueId);
      const id = await dialCampaign({ mode: 'predictive', queueId, connectDelayS: 1 }, [20, 21].map(person));
      const abandoned = await until(async () => (await entries(id)).find((e) => e.end_reason === 'no_agent'), 30_000);
      expect(abandoned).toMatchObject({ state: 'overflowed', answered_at: null });
      expect(abandoned.wait_ms).toBeGreaterThanOrEqual(1000);
      const patch = await until(async () => (await simEvents(`kind=rest&callId=${abandoned.sinch_call_id}`)).find((e) => e.method === 'PATCH'), 15_000);
      expect(patch.request.action).toEqual({ name: 'hangup' });
      expect(patch.request.instructions[0].text).toMatch(
        /^Hello, this was a call from dialing .*, calling from plus 1 4 0 4 5 0 0 1 0 0 [01]\. .*To stop these calls/,
      );
      // The agent's ringing leg was cancelled and the agent is free again (not their fault).
      await until(async () => (await sql(t, `SELECT status FROM agents WHERE id = $1`, [slowAgent]))[0].status === 'available', 15_000);
      const capped = await until(async () => {
        const [c] = await sql(t, 'SELECT dial_decision FROM campaigns WHERE id = $1', [id]);
        return c.dial_decision?.reason.includes('cap: progressive') ? c.dial_decision : undefined;
      }, 15_000);
      expect(capped).toMatchObject({ mode: 'predictive', level: 1, aggressiveness: 0, inputs: { capPercent: 3 } });
      expect(capped.inputs.abandonRatePercent).toBeGreaterThanOrEqual(3);
      expect((await decisions(id)).some((d) => /cap: progressive/.test(d.reason))).toBe(true);
      await done(id);
      const s = await stats(id);
      expect(s.dialing.abandoned).toBe((await entries(id)).filter((e) => e.end_reason === 'no_agent').length);
      expect(s.dialing.abandoned).toBeGreaterThanOrEqual(1);
      // Settled as abandoned (one try: not called again, completed); retried within the no-answer rule otherwise.
      expect(s.attempts.byOutcome.abandoned).toBe(s.dialing.abandoned);
      expect(s.dialing.answeredByPerson).toBe(await peopleInCallLog(id));
      expect(s.dialing.abandonRatePercent).toBe(Math.round((10_000 * s.dialing.abandoned) / s.dialing.answeredByPerson) / 100);
    }, 180_000);

    it('settles an abandoned callee completed when the campaign ends before their retry (72 h at the soonest) is due', async () => {
      const queueId = await newQueue();
      await newAgent(SLOW_AGENT, queueId);
      // Three no-answer attempts allowed, so the abandoned callee would be retried, but not within the campaign.
      const endAt = new Date(Date.now() + 2 * 3600_000).toISOString();
      const retryPolicy = { ...ONE_TRY, noAnswer: { delayS: 60, maxAttempts: 3 } };
      const id = await dialCampaign({ mode: 'predictive', queueId, connectDelayS: 1 }, [person(22)], undefined, { endAt, retryPolicy });
      await until(async () => (await entries(id)).find((e) => e.end_reason === 'no_agent'), 30_000);
      const contact = await until(async () => {
        const [c] = await sql(t, 'SELECT status, last_result, next_attempt_at FROM campaign_contacts WHERE campaign_id = $1', [id]);
        return c.status === 'in_progress' ? undefined : c;
      }, 30_000);
      expect(contact).toMatchObject({ status: 'completed', last_result: 'abandoned' });
      await done(id);
      expect((await stats(id)).attempts.byOutcome.abandoned).toBe(1);

      // Nobody else calls that person within 72 h of the abandon either: the callouts API refuses the number...
      const [abandon] = await entries(id);
      const callableFrom = new Date(new Date(abandon.ended_at).getTime() + 72 * 3600_000).toISOString();
      const callout = await t.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination: person(22), text: 'Hello again' } });
      expect(callout.status).toBe(400);
      expect(callout.body.details).toEqual([
        {
          field: 'destination',
          rule: 'recent_abandon',
          message: `destination may not be called: a campaign call abandoned this person (answered, no agent) less than 72 h ago; it may be called again from ${callableFrom}`,
        },
      ]);
      // ... and another campaign's dialer holds the contact back until then, saying why.
      const other = await dialCampaign({ mode: 'progressive', queueId, connectDelayS: 10 }, [person(22)], undefined, { endAt });
      const deferred = await until(async () => {
        const [c] = await sql(t, 'SELECT status, last_result, next_attempt_at, attempts FROM campaign_contacts WHERE campaign_id = $1', [other]);
        return c.last_result === 'recently_abandoned' ? c : undefined;
      }, 15_000);
      expect(deferred).toMatchObject({ status: 'pending', attempts: 0 });
      expect(new Date(deferred.next_attempt_at).toISOString()).toBe(callableFrom);
      expect(await sql(t, 'SELECT id FROM calls WHERE campaign_id = $1', [other])).toEqual([]);
    }, 120_000);

    it('counts a callee whose queue entry could not be written as abandoned (abandon message, settled, in the rates)', async () => {
      const queueId = await newQueue();
      await newAgent(agentPhone(5), queueId);
      const phone = person(23);
      // Postgres refuses this callee's waiting entry (every retry of the write): the hand-over to the queue fails.
      await sql(
        t,
        `CREATE OR REPLACE FUNCTION e2e_refuse_entry() RETURNS trigger AS $$ BEGIN
           IF NEW.dialled = '${phone}' AND NEW.state = 'waiting' THEN RAISE EXCEPTION 'e2e: entry refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await sql(t, 'CREATE TRIGGER e2e_refuse_entry BEFORE INSERT ON queue_entries FOR EACH ROW EXECUTE FUNCTION e2e_refuse_entry()');
      try {
        const id = await dialCampaign({ mode: 'progressive', queueId, connectDelayS: 10 }, [phone]);
        await done(id, 120_000);
        const [entry] = await entries(id);
        expect(entry).toMatchObject({ state: 'overflowed', end_reason: 'no_agent', dialled: phone, agent_id: null });
        const patch = await until(async () => (await simEvents(`kind=rest&callId=${entry.sinch_call_id}`)).find((e) => e.method === 'PATCH'), 15_000);
        expect(patch.request.instructions[0].text).toMatch(/^Hello, this was a call from dialing /);
        const [contact] = await sql(t, 'SELECT status, last_result FROM campaign_contacts WHERE campaign_id = $1', [id]);
        expect(contact).toMatchObject({ status: 'completed', last_result: 'abandoned' });
        const s = await stats(id);
        expect(s.dialing).toMatchObject({ answeredByPerson: 1, abandoned: 1, abandonRatePercent: 100 });
      } finally {
        await sql(t, 'DROP TRIGGER IF EXISTS e2e_refuse_entry ON queue_entries');
      }
    }, 180_000);

    it('learns the answer rate, then dials ahead of the free agents and connects callees to them', async () => {
      const queueId = await newQueue();
      await newAgent(agentPhone(3), queueId);
      await newAgent(agentPhone(4), queueId);
      // One person in four: the full ratio is four calls per free agent.
      const phones = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? person(30 + i / 4) : nobody(i)));
      const id = await dialCampaign({ mode: 'predictive', queueId, abandonCapPercent: 50, capOverrideReason: 'e2e: let it run ahead' }, phones);
      const ahead = await until(async () => (await decisions(id)).find((d) => d.level > 1), 60_000);
      expect(ahead.reason).toMatch(/speeding up|full ratio/);
      expect(ahead.inputs.recentDials).toBeGreaterThanOrEqual(20);
      expect(ahead.inputs.humanRate).toBeGreaterThan(0);
      await done(id, 120_000);
      const rows = await entries(id);
      expect(rows.filter((e) => e.answered_at !== null).length).toBeGreaterThan(0);
      const s = await stats(id);
      expect(s.dialing.answeredByPerson).toBe(await peopleInCallLog(id));
      expect(s.dialing.connected + s.dialing.abandoned).toBe(rows.length);
      expect(s.dialing.abandoned).toBe(rows.filter((e) => e.end_reason === 'no_agent').length);
    }, 180_000);
  });
});
