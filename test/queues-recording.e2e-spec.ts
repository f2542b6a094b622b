import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWav, waitRecordings } from './recordings-kit';
import { sim, sql, until } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers used here only. Real time (scale 1): the consent menu waits 4 s for the opt-out key.
const QUEUE_NUMBER = '+46101239301';
const CALLERS = ['+46701239301', '+46701239302', '+46701239303'];
const AGENT = '+46701239310';

describe('Queue calls recorded by policy (e2e)', () => {
  let t: TestApp;
  let dir: string;
  const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const newQueue = async (): Promise<string> => {
    const res = await t.request('POST', '/api/v1/queues', { body: { name: `q-${unique()}`, greeting: 'Welcome', holdPrompt: 'Please hold' } });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const routeTo = async (queueId: string) => {
    const [{ id }] = await sql(t, 'SELECT id FROM phone_numbers WHERE number = $1', [QUEUE_NUMBER]);
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route: { type: 'queue', target: queueId } } })).status).toBe(200);
  };
  const policy = (type: string, id: string, body: Body) => t.request('PUT', `/api/v1/recordings/policies/${type}/${encodeURIComponent(id)}`, { body });
  const iceAnswer = (sinchCallId: string) =>
    until(async () => (await simEvents(`kind=callback&callId=${sinchCallId}&event=ice`))[0]?.response as Body | undefined, 10_000);
  const pieAnswer = (sinchCallId: string) =>
    until(async () => (await simEvents(`kind=callback&callId=${sinchCallId}&event=pie`))[0]?.response as Body | undefined, 15_000);
  const entry = (sinchCallId: string, where = 'TRUE') =>
    until(async () => (await sql(t, `SELECT * FROM queue_entries WHERE sinch_call_id = $1 AND ${where}`, [sinchCallId]))[0], 15_000);
  const callRow = (sinchCallId: string, where = 'TRUE') =>
    until(async () => (await sql(t, `SELECT * FROM calls WHERE sinch_call_id = $1 AND ${where}`, [sinchCallId]))[0], 20_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'queues-recording-'));
    t = await createTestApp({ RECORDINGS_LOCAL_DIR: dir, QUEUE_SWEEP_MS: '500', QUEUE_REFRESH_MS: '500' });
    await sim(t, 'POST', '/_sim/numbers', { number: QUEUE_NUMBER, countryId: 'SE', numberType: 'Fixed', assigned: true });
    expect((await t.request('POST', '/api/v1/numbers/sync')).status).toBe(200);
    await sim(t, 'PUT', '/_sim/rules', { rules: [{ match: AGENT, outcome: 'answered', ringTimeS: 1, talkTimeS: 600 }] });
  });

  afterAll(async () => {
    await until(async () => (await sim(t, 'GET', '/_sim/calls')).calls.every((c: Body) => c.phase === 'ended'), 30_000);
    await sim(t, 'PUT', '/_sim/rules', { rules: [] });
    await sql(t, `DELETE FROM recording_policies WHERE target_type = 'route' AND target_id = $1`, [QUEUE_NUMBER]);
    // The run's database is shared: its numbers are left as they were found.
    await sql(t, 'DELETE FROM number_route_audits WHERE number = ANY($1)', [[QUEUE_NUMBER]]);
    await sql(t, 'DELETE FROM phone_numbers WHERE number = ANY($1)', [[QUEUE_NUMBER]]);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it("records a queue call by the queue's policy (before the number's), through the agent's answer, under the queue", async () => {
    const queueId = await newQueue();
    await routeTo(queueId);
    // The number says off; the queue, more specific, says on.
    await until(async () => (await policy('route', QUEUE_NUMBER, { mode: 'off' })).status === 200, 10_000);
    expect((await policy('queue', queueId, { mode: 'on' })).status).toBe(200);

    const callId = (await sim(t, 'POST', '/_sim/inbound', { from: CALLERS[0], to: QUEUE_NUMBER })).callId;
    const ice = await iceAnswer(callId);
    expect(ice.instructions.map((i: Body) => i.name)).toEqual(['startRecording']);
    expect(ice.action.name).toBe('park');
    await entry(callId);
    const agent = await t.request('POST', '/api/v1/agents', {
      body: { name: `agent ${unique()}`, endpointType: 'pstn', endpoint: AGENT, queues: [{ queueId }] },
    });
    expect(agent.status).toBe(201);
    expect((await t.request('PUT', `/api/v1/agents/${agent.body.id}/status`, { body: { status: 'available' } })).status).toBe(200);
    await entry(callId, `state = 'connected'`);
    await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
    await entry(callId, `state = 'completed'`);

    const call = await callRow(callId, `queue_id IS NOT NULL AND final_source IS NOT NULL`);
    expect(call.queue_id).toBe(queueId);
    const [rec] = await waitRecordings(t, call.id, ['available']);
    expect(rec.queueId).toBe(queueId);
    expect(readWav(readFileSync(fileURLToPath(rec.location as string))).seconds).toBeGreaterThan(0);
    expect((await t.request('GET', `/api/v1/recordings?queueId=${queueId}`)).body.items.map((r: Body) => r.id)).toEqual([rec.id]);
  }, 90_000);

  it('consent with opt-out: the notice asks for 9; a caller who presses it is parked unrecorded, one who does not is recorded', async () => {
    const queueId = await newQueue();
    await routeTo(queueId);
    // optOut belongs to consent only.
    const bad = await policy('queue', queueId, { mode: 'on', optOut: true });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'optOut', rule: 'consent_only' })]);
    expect((await policy('queue', queueId, { mode: 'consent', optOut: true, notice: 'We record calls.' })).status).toBe(200);

    const declines = (await sim(t, 'POST', '/_sim/inbound', { from: CALLERS[1], to: QUEUE_NUMBER, dtmf: '9' })).callId;
    const consents = (await sim(t, 'POST', '/_sim/inbound', { from: CALLERS[2], to: QUEUE_NUMBER })).callId;
    for (const callId of [declines, consents]) {
      const ice = await iceAnswer(callId);
      expect(ice.action.name).toBe('runMenu');
      expect(ice.action.menus[0]).toMatchObject({
        mainPrompt: '#tts[We record calls. Press 9 if you do not want to be recorded.]',
        options: [{ dtmf: '9', action: 'return(rec:optout)' }],
      });
    }
    // The entry is written once the caller has answered the question (no agent is offered a caller still in it).
    const declined = await pieAnswer(declines);
    expect(declined.action.name).toBe('park');
    expect((declined.instructions ?? []).map((i: Body) => i.name)).toEqual([]);
    const consented = await pieAnswer(consents);
    expect(consented.action.name).toBe('park');
    expect(consented.instructions.map((i: Body) => i.name)).toEqual(['startRecording']);
    for (const callId of [declines, consents]) {
      const waiting = await entry(callId, `state = 'waiting'`);
      expect(waiting).toMatchObject({ queue_id: queueId, entry_route: 'number', dialled: QUEUE_NUMBER });
      await sim(t, 'POST', `/_sim/calls/${callId}/hangup`, {});
      await entry(callId, `state = 'abandoned'`);
    }
    const recorded = await callRow(consents, `final_source IS NOT NULL`);
    const [rec] = await waitRecordings(t, recorded.id, ['available']);
    expect(rec.queueId).toBe(queueId);
    // The caller who declined has no recording, not even an expected one flagged later as missing.
    const unrecorded = await callRow(declines, `final_source IS NOT NULL`);
    await until(async () => (await sql(t, `SELECT count(*)::int AS n FROM recordings WHERE sinch_call_id = $1`, [consents]))[0].n === 1, 10_000);
    expect(await sql(t, 'SELECT id FROM recordings WHERE call_id = $1 OR sinch_call_id = $2', [unrecorded.id, declines])).toEqual([]);
  }, 90_000);
});
