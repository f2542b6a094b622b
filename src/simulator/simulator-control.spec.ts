import { http, startSim, tts, useSimulator, waitUntil } from 'src/simulator/simulator.test-kit';

const suite = useSimulator();

const control = (method: string, path: string, body?: unknown) => http(suite.sim.url, method, `/_sim${path}`, body, 'none');
const callout = async (base: string, body: unknown) => http(base, 'POST', '/calling/v1/callouts', body);

describe('control API input', () => {
  it.each([
    ['POST', '/inbound', { to: '+15550100001' }, 'from'],
    ['POST', '/inbound', { from: '+46701112233', to: 'nope' }, 'to'],
    ['PUT', '/rules', { rules: [{ match: '*7', outcome: 'sometimes' }] }, 'rules[0].outcome'],
    ['PUT', '/rules', { rules: [{ regex: '(', outcome: 'busy' }] }, 'rules[0].regex'],
    ['PUT', '/rules', { rules: [{ outcome: 'busy' }] }, 'rules[0].match'],
    ['PUT', '/rules', { rules: 'all busy' }, 'rules'],
    ['PUT', '/faults', { errorRate: 2 }, 'errorRate'],
    ['PUT', '/faults', { sequence: [200] }, 'sequence[0]'],
    ['PUT', '/faults', { latencyMs: -1 }, 'latencyMs'],
    ['PUT', '/faults', { dropDice: 'yes' }, 'dropDice'],
    ['PUT', '/faults', { chaos: true }, 'chaos'],
    ['GET', '/events?kind=everything', undefined, 'kind'],
    ['GET', '/events?since=tomorrow-ish', undefined, 'since'],
  ])('%s %s %j answers 400 naming %s', async (method, path, body, field) => {
    const res = await control(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Bad Request', field });
    expect(res.body.message).toContain(field);
  });

  it('answers 404 for unknown calls and 409 for ended ones, and refuses bad digits', async () => {
    expect((await control('POST', '/calls/nope/dtmf', { digits: '1' })).status).toBe(404);
    expect((await control('POST', '/calls/nope/hangup')).status).toBe(404);
    expect((await control('GET', '/calls/nope')).status).toBe(404);
    const { callId } = (await callout(suite.sim.url, tts('+14045005007'))).body;
    await waitUntil('ended', async () => (await control('GET', `/calls/${callId}`)).body.phase === 'ended');
    expect((await control('POST', `/calls/${callId}/hangup`)).status).toBe(409);
    const digits = await control('POST', `/calls/${callId}/dtmf`, { digits: '12a' });
    expect(digits.status).toBe(400);
    expect(digits.body.field).toBe('digits');
  });

  it('refuses an inbound call while no callback URL is configured', async () => {
    suite.sim.setCallbackUrl(undefined);
    const res = await control('POST', '/inbound', { from: '+46701112233', to: '+15550100001' });
    expect(res.status).toBe(409);
  });
});

describe('inspection', () => {
  it('lists calls, shows one, and filters the event log', async () => {
    const first = (await callout(suite.sim.url, tts('+14045005001', { enableDice: true }))).body.callId;
    await suite.receiver.waitForEvent(first, 'dice');
    const mark = (await control('GET', '/events')).body.lastSeq;
    const second = (await callout(suite.sim.url, tts('+14045005002', { enableDice: true }))).body.callId;
    await suite.receiver.waitForEvent(second, 'dice');

    const calls = (await control('GET', '/calls')).body.calls;
    expect(calls.map((c: { callId: string }) => c.callId)).toEqual([first, second]);
    const detail = (await control('GET', `/calls/${first}`)).body;
    expect(detail).toMatchObject({ callId: first, origin: 'ttsCallout', phase: 'ended', result: 'ANSWERED', debit: '0.0135', ratePrefix: '+1' });
    expect(detail.history.map((h: { what: string }) => h.what)).toEqual(['created', 'ringing', 'answered', 'ended']);

    const since = (await control('GET', `/events?since=${mark}`)).body.events;
    expect(since.every((e: { seq: number }) => e.seq > mark)).toBe(true);
    expect(since.some((e: { callId?: string }) => e.callId === first)).toBe(false);
    const rest = (await control('GET', '/events?kind=rest')).body.events;
    expect(rest.map((e: { method: string; path: string; status: number }) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'POST /calling/v1/callouts 200',
      'POST /calling/v1/callouts 200',
    ]);
    expect(rest[0].callId).toBe(first);
    const dices = (await control('GET', `/events?kind=callback&event=dice&callId=${second}`)).body.events;
    expect(dices).toHaveLength(1);
    expect(dices[0]).toMatchObject({ kind: 'callback', event: 'dice', callId: second, ok: true, status: 200, url: suite.receiver.url });
  });
});

describe('faults', () => {
  it('forces 429 then 503 on the next callouts, then succeeds', async () => {
    const set = await control('PUT', '/faults', { sequence: [429, 503], retryAfterS: 2 });
    expect(set.body).toMatchObject({ sequence: [429, 503], sequenceRemaining: [429, 503] });
    const first = await callout(suite.sim.url, tts('+14045005001'));
    expect(first.status).toBe(429);
    expect(first.body).toMatchObject({ errorCode: 42900 });
    expect(first.headers['retry-after']).toBe('2');
    const second = await callout(suite.sim.url, tts('+14045005001'));
    expect(second.status).toBe(503);
    expect(second.body).toMatchObject({ errorCode: 50300 });
    const third = await callout(suite.sim.url, tts('+14045005001'));
    expect(third.status).toBe(200);
    expect(third.body.callId).toEqual(expect.any(String));
    // Only callouts consume the sequence; other REST calls were never affected.
    expect((await control('GET', '/faults')).body.sequenceRemaining).toEqual([]);
  });

  it('fails every REST request at errorRate 1 and delays responses by latencyMs', async () => {
    await control('PUT', '/faults', { errorRate: 1, errorStatus: 500 });
    const failed = await http(suite.sim.url, 'GET', '/v1/configuration/numbers');
    expect(failed.status).toBe(500);
    expect(failed.body.errorCode).toBe(50000);
    await control('PUT', '/faults', { latencyMs: 80 });
    const started = Date.now();
    expect((await http(suite.sim.url, 'GET', '/v1/configuration/numbers')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('drops the DiCE with dropDice, and every callback at callbackDropRate 1', async () => {
    await control('PUT', '/faults', { dropDice: true });
    const { callId } = (await callout(suite.sim.url, tts('+14045005001', { enableAce: true, enableDice: true }))).body;
    await waitUntil('ended', async () => (await control('GET', `/calls/${callId}`)).body.phase === 'ended');
    const dropped = await waitUntil('dropped dice event', async () => {
      const events = (await control('GET', `/events?kind=callback&callId=${callId}&event=dice`)).body.events;
      return events.length > 0 ? events[0] : undefined;
    });
    expect(dropped).toMatchObject({ ok: false, error: 'dropped' });
    expect(suite.receiver.eventsFor(callId)).toEqual(['ace']);

    await control('PUT', '/faults', { callbackDropRate: 1 });
    const inbound = (await control('POST', '/inbound', { from: '+46701112233', to: '+15550100001' })).body.callId;
    await waitUntil('inbound ended', async () => (await control('GET', `/calls/${inbound}`)).body.phase === 'ended');
    expect((await control('GET', `/calls/${inbound}`)).body).toMatchObject({ result: 'FAILED', reason: 'CALLBACKERROR' });
    expect(suite.receiver.forCall(inbound)).toEqual([]);
  });
});

describe('determinism and lifecycle', () => {
  async function run(seed: number): Promise<{ ids: string[]; statuses: number[] }> {
    const s = await startSim({ seed });
    try {
      await http(s.url, 'PUT', '/_sim/faults', { errorRate: 0.5 }, 'none');
      const ids: string[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await callout(s.url, tts('+14045005007'));
        statuses.push(res.status);
        if (res.status === 200) ids.push(res.body.callId);
      }
      return { ids, statuses };
    } finally {
      await s.close();
    }
  }

  it('reproduces ids and injected faults with the same seed', async () => {
    const a = await run(1234);
    const b = await run(1234);
    const c = await run(4321);
    expect(b).toEqual(a);
    expect(a.statuses).toContain(503);
    expect(a.statuses).toContain(200);
    expect(c.statuses).not.toEqual(a.statuses);
  });

  it('reset aborts live calls without callbacks; close() stops everything', async () => {
    await control('PUT', '/rules', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 3600 }] });
    const live = (
      await callout(suite.sim.url, {
        method: 'conferenceCallout',
        conferenceCallout: { destination: { type: 'number', endpoint: '+46700000001' }, conferenceId: 'r', enableDice: true },
      })
    ).body.callId;
    await waitUntil('in room', async () => (await control('GET', `/calls/${live}`)).body.conferenceId === 'r');
    expect((await control('POST', '/reset')).status).toBe(204);
    expect((await control('GET', '/calls')).body.calls).toEqual([]);
    expect((await control('GET', '/rules')).body.rules).toEqual([]);

    const other = await startSim({ callbackUrl: suite.receiver.url, seed: 5 });
    const ruled = (await http(other.url, 'PUT', '/_sim/rules', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 3600 }] }, 'none')).status;
    expect(ruled).toBe(200);
    const res = await callout(other.url, {
      method: 'conferenceCallout',
      conferenceCallout: { destination: { type: 'number', endpoint: '+46700000001' }, conferenceId: 'r', enableDice: true },
    });
    await waitUntil('in room', async () => (await http(other.url, 'GET', `/_sim/calls/${res.body.callId}`, undefined, 'none')).body.conferenceId === 'r');
    await other.close();
    await other.close();
    expect(suite.receiver.forCall(live)).toEqual([]);
    expect(suite.receiver.forCall(res.body.callId)).toEqual([]);
  });
});
