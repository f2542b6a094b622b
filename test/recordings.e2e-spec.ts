import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import type Redis from 'ioredis';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import { eventStreamKey } from 'src/events/admin-events.service';
import { REDIS } from 'src/redis/redis.tokens';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { createCampaign, importContacts } from './campaign-fixtures';
import { FINAL, getBytes, placeCallout, readWav, recordingsOf, waitCallState, waitRecordings } from './recordings-kit';
import { SimClient } from './sim-client';
import { createTestApp, type TestApp } from './test-app';
import { waitFor } from './wait-for';

describe('recordings (e2e, local directory)', () => {
  let t: TestApp;
  let sim: SimClient;
  let db: DataSource;
  let dir: string;
  let suiteStart: Date;
  const tts = (o: Record<string, unknown> = {}) => ({ type: 'tts', destination: '+46701234561', text: 'Your order has shipped', ...o });
  const rowCount = async (): Promise<number> => Number((await db.query('SELECT count(*)::int AS n FROM recordings'))[0].n);

  beforeAll(async () => {
    suiteStart = new Date();
    dir = mkdtempSync(join(tmpdir(), 'recordings-e2e-'));
    t = await createTestApp({
      RECORDINGS_LOCAL_DIR: dir,
      RECORDINGS_MISSING_AFTER_S: '1',
      RECORDINGS_SWEEP_INTERVAL_S: '1',
      FREQUENCY_CAP_CALLS: '1000',
      SINCH_CALLOUTS_PER_SECOND: '10',
    });
    sim = new SimClient(t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url);
    db = t.app.get(DataSource);
  });

  afterEach(async () => {
    // Notifies come before the DiCE: let every call end before the next test (or the app's close, which could
    // hang with calls in flight).
    // Only this suite's calls: the run's database is shared with suites that leave calls queued on purpose.
    const inFlight = async () =>
      Number(
        (
          await db.query(`SELECT count(*)::int AS n FROM calls WHERE created_at >= $1 AND state NOT IN (${FINAL.map((f) => `'${f}'`).join(', ')})`, [
            suiteStart,
          ])
        )[0].n,
      );
    await waitFor(
      async () => (await inFlight()) === 0,
      30_000,
      () => 'calls still in flight',
    );
    await sim.clearFaults();
    await sim.setRules([]);
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
    // The app's close has taken about a minute after these suites now and then (seen in full runs; one cause, a socket
    // that never sent a request, is fixed in app.factory.ts; the rest is not found yet): a longer hook.
  }, 180_000);

  it('a recorded callout: available with a playable WAV in the directory, streamed whole and by ranges, each listen logged', async () => {
    const callId = await placeCallout(t, tts({ record: true }));
    const [rec] = await waitRecordings(t, callId, ['available']);
    expect(rec).toMatchObject({ segment: 1, format: 'wav', callId, legalHold: false, erased: null });
    expect(rec.location).toMatch(/^file:\/\/\//);
    const path = fileURLToPath(rec.location as string);
    expect(path.startsWith(dir)).toBe(true);
    const file = readFileSync(path);
    const wav = readWav(file);
    expect(wav.seconds).toBeGreaterThan(0);
    expect(rec.sizeBytes).toBe(file.length);
    expect(rec.durationS).toBeCloseTo(wav.seconds, 2);

    const detail = await t.request('GET', `/api/v1/recordings/${rec.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((e: { what: string }) => e.what)).toEqual(expect.arrayContaining(['recording_finished', 'recording_available']));

    const whole = await getBytes(t, `/api/v1/recordings/${rec.id}/media`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.bytes.equals(file)).toBe(true);

    const part = await getBytes(t, `/api/v1/recordings/${rec.id}/media`, { range: 'bytes=0-99' }, t.keys.supervisor);
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${file.length}`);
    expect(part.bytes.equals(file.subarray(0, 100))).toBe(true);
    const tail = await getBytes(t, `/api/v1/recordings/${rec.id}/media`, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(file.subarray(file.length - 10))).toBe(true);

    const beyond = await getBytes(t, `/api/v1/recordings/${rec.id}/media`, { range: `bytes=${file.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${file.length}`);

    const log = await t.request('GET', `/api/v1/recordings/access-log?recordingId=${rec.id}`);
    expect(log.status).toBe(200);
    // Three listens; the unsatisfiable range sent nothing and is not one.
    expect(log.body.items.map((a: { action: string; keyName: string; range: string | null }) => [a.action, a.keyName, a.range])).toEqual([
      ['listen', 'test admin', `bytes=${file.length - 10}-${file.length - 1}`],
      ['listen', 'test supervisor', 'bytes=0-99'],
      ['listen', 'test admin', null],
    ]);
  });

  it('roles: reporting reads metadata only; agents nothing; the access log is for admins', async () => {
    const callId = await placeCallout(t, tts({ record: true }));
    const [rec] = await waitRecordings(t, callId, ['available']);
    expect((await t.request('GET', `/api/v1/recordings/${rec.id}`, { key: t.keys.reporting })).status).toBe(200);
    expect((await getBytes(t, `/api/v1/recordings/${rec.id}/media`, {}, t.keys.reporting)).status).toBe(403);
    expect((await t.request('GET', '/api/v1/recordings', { key: t.keys.agent })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/recordings/access-log', { key: t.keys.supervisor })).status).toBe(403);
    expect((await t.request('DELETE', `/api/v1/recordings/${rec.id}`, { key: t.keys.supervisor })).status).toBe(403);
    expect((await t.request('GET', '/api/v1/recordings', { key: null })).status).toBe(401);
    const bad = await t.request('GET', '/api/v1/recordings?status=lost');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('status');
    expect((await t.request('GET', '/api/v1/recordings/not-a-uuid')).status).toBe(400);
  });

  it('start / stop on a live call makes two segments; a transcript arrives when asked; the ended call is refused', async () => {
    const destination = '+46701234599';
    await sim.setRules([{ match: destination, outcome: 'answered', talkTimeS: 3600 }]);
    const callId = await placeCallout(t, { type: 'custom', destination });
    const { sinch_call_id: sinchCallId } = await waitCallState(db, callId, ['initiated', 'ringing', 'answered']);
    // Its ACE is inline (never reaches us): the simulator says when the callee has answered.
    await waitFor(async () => (await sim.call(sinchCallId)).phase === 'answered', 15_000);

    const first = await t.request('POST', `/api/v1/calls/${callId}/recording/start`, { body: { transcribe: true, locale: 'en-US' }, key: t.keys.supervisor });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ segment: 1, status: 'recording' });
    const twice = await t.request('POST', `/api/v1/calls/${callId}/recording/start`, { body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain('already being recorded');
    expect((await t.request('POST', `/api/v1/calls/${callId}/recording/stop`)).status).toBe(202);
    await waitRecordings(t, callId, ['available'], 1);
    expect((await t.request('POST', `/api/v1/calls/${callId}/recording/stop`)).status).toBe(409);
    expect((await t.request('POST', `/api/v1/calls/${callId}/recording/start`, { body: {} })).status).toBe(202);
    await fetch(`${sim.url}/_sim/calls/${sinchCallId}/hangup`, { method: 'POST' });
    await waitCallState(db, callId, ['completed']);
    const segments = await waitRecordings(t, callId, ['available'], 2);
    expect(segments.map((s) => s.segment)).toEqual([1, 2]);
    expect(new Set(segments.map((s) => s.location)).size).toBe(2);
    for (const s of segments) expect(readWav(readFileSync(fileURLToPath(s.location as string))).seconds).toBeGreaterThan(0);
    const transcribed = await waitFor(async () => (await recordingsOf(t, callId))[0].transcript as { text: string; locale: string } | null, 10_000);
    expect(transcribed).toMatchObject({ locale: 'en-US', text: expect.stringContaining('transcript') });
    expect((await recordingsOf(t, callId))[1].transcript).toBeNull();
    expect((await t.request('GET', `/api/v1/recordings/${segments[0].id}`, { key: t.keys.reporting })).body.transcript).toBeNull();

    // The call has ended: 409, and nothing is stored.
    const before = await rowCount();
    const ended = await t.request('POST', `/api/v1/calls/${callId}/recording/start`, { body: {} });
    expect(ended.status).toBe(409);
    expect(ended.body.message).toContain('has ended');
    expect(await rowCount()).toBe(before);
    expect((await t.request('POST', '/api/v1/calls/3f0c1d7e-0000-4000-8000-000000000000/recording/start', { body: {} })).status).toBe(404);
    expect((await t.request('POST', `/api/v1/calls/${callId}/recording/start`, { body: { transcribe: 'yes' } })).status).toBe(400);
  });

  it('missing: no recording_available in time is flagged and counted on /metrics; a failed upload is failed', async () => {
    await sim.setFaults({ dropRecordingAvailable: true });
    const missingCall = await placeCallout(t, tts({ record: true }));
    const [missing] = await waitRecordings(t, missingCall, ['missing'], 1, 20_000);
    expect(missing.location).toBeNull();
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/recordings_status_changes_total\{status="missing"\} [1-9]/);
    expect(metrics).toMatch(/recordings\{status="missing"\} [1-9]/);
    // And on the admin event stream (topic recordings).
    const redis = t.app.get<Redis>(REDIS);
    const stream = (await redis.xrange(eventStreamKey(t.config), '-', '+')) as [string, string[]][];
    const events = stream.map(([, fields]) => ({ topic: fields[1], type: fields[3], data: JSON.parse(fields[5]) as { id: string } }));
    expect(events).toContainEqual({ topic: 'recordings', type: 'recording.missing', data: expect.objectContaining({ id: missing.id, callId: missingCall }) });

    await sim.setFaults({ failRecordingUpload: true });
    const failedCall = await placeCallout(t, tts({ record: true }));
    const [failed] = await waitRecordings(t, failedCall, ['failed']);
    expect((await t.request('GET', `/api/v1/recordings/${failed.id}`)).body.timeline.at(-1)).toMatchObject({
      what: 'failed',
      reason: expect.stringContaining('no file'),
    });
    expect((await getBytes(t, `/api/v1/recordings/${failed.id}/media`)).status).toBe(409);
  });

  it('DELETE erases the media and keeps a tombstone; twice is a clear 409; legal hold protects; retention erases what is not held', async () => {
    const [a] = await waitRecordings(t, await placeCallout(t, tts({ record: true })), ['available']);
    const heldCall = await placeCallout(t, tts({ record: true }));
    const [held] = await waitRecordings(t, heldCall, ['available']);
    const [expired] = await waitRecordings(t, await placeCallout(t, tts({ record: true })), ['available']);

    const erased = await t.request('DELETE', `/api/v1/recordings/${a.id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id: a.id, location: null, sizeBytes: null, erased: { by: 'test admin', reason: 'deleted' } });
    expect(existsSync(fileURLToPath(a.location as string))).toBe(false);
    const again = await t.request('DELETE', `/api/v1/recordings/${a.id}`);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already erased');
    expect((await getBytes(t, `/api/v1/recordings/${a.id}/media`)).status).toBe(404);
    expect((await t.request('GET', `/api/v1/recordings/${a.id}`)).body).toMatchObject({ status: 'available', erased: { reason: 'deleted' } });

    const hold = await t.request('PUT', `/api/v1/calls/${heldCall}/recording/legal-hold`, { body: { hold: true } });
    expect(hold.status).toBe(200);
    expect(hold.body[0]).toMatchObject({ id: held.id, legalHold: true });
    expect((await t.request('PUT', `/api/v1/calls/${heldCall}/recording/legal-hold`, { body: { hold: 'yes' } })).status).toBe(400);
    const refused = await t.request('DELETE', `/api/v1/recordings/${held.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('legal hold');

    // Both past their retention (a test cannot wait a day): the job erases the one not held.
    await db.query(`UPDATE recordings SET retain_until = now() - interval '1 minute' WHERE id = ANY($1)`, [[held.id, expired.id]]);
    await waitFor(async () => (await t.request('GET', `/api/v1/recordings/${expired.id}`)).body.erased?.reason === 'retention', 15_000);
    expect(existsSync(fileURLToPath(expired.location as string))).toBe(false);
    const stillHeld = (await t.request('GET', `/api/v1/recordings/${held.id}`)).body;
    expect(stillHeld).toMatchObject({ erased: null, legalHold: true, location: held.location });
    expect(existsSync(fileURLToPath(held.location as string))).toBe(true);

    const log = (await t.request('GET', '/api/v1/recordings/access-log?limit=200')).body.items as {
      recordingId: string;
      action: string;
      keyName: string | null;
    }[];
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recordingId: a.id, action: 'erase', keyName: 'test admin' }),
        expect.objectContaining({ recordingId: held.id, action: 'legal_hold_on', keyName: 'test admin' }),
        expect.objectContaining({ recordingId: expired.id, action: 'retention_erase', keyName: null }),
      ]),
    );
  });

  it('policies: a campaign recorded by its policy (consent notice first); an unknown or unsupported target is a clear 4xx', async () => {
    const policies = async () => Number((await db.query('SELECT count(*)::int AS n FROM recording_policies'))[0].n);
    const before = await policies();
    const unknown = await t.request('PUT', '/api/v1/recordings/policies/campaign/3f0c1d7e-0000-4000-8000-000000000000', { body: { mode: 'on' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('does not exist');
    // Queues register their target: a name that is no queue's id is an unknown queue.
    const queue = await t.request('PUT', '/api/v1/recordings/policies/queue/support', { body: { mode: 'on' } });
    expect(queue.status).toBe(404);
    expect(queue.body.message).toContain('queue support does not exist');
    expect((await t.request('PUT', '/api/v1/recordings/policies/planet/x', { body: { mode: 'on' } })).status).toBe(400);
    const campaign = await createCampaign(t);
    expect((await t.request('PUT', `/api/v1/recordings/policies/campaign/${campaign.id}`, { body: { mode: 'sometimes' } })).status).toBe(400);
    expect((await t.request('PUT', `/api/v1/recordings/policies/campaign/${campaign.id}`, { body: { mode: 'on' }, key: t.keys.supervisor })).status).toBe(403);
    // Other suites of the run (conference rooms) keep policies of their own in the shared database.
    expect(await policies()).toBe(before);

    const put = await t.request('PUT', `/api/v1/recordings/policies/campaign/${campaign.id}`, {
      body: { mode: 'consent', notice: 'This call is recorded.', retentionDays: 30 },
    });
    expect(put.status).toBe(200);
    const phone = '+14045551234';
    await importContacts(t, campaign.id, [{ phone, attributes: { firstName: 'Ada' } }]);
    expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
    const rows = (await waitFor(async () => {
      const page = await t.request('GET', `/api/v1/recordings?campaignId=${campaign.id}&status=available`);
      return page.body.items.length === 1 ? page.body.items : undefined;
    }, 30_000)) as { id: string; callId: string; retainUntil: string; availableAt: string }[];
    const days = (Date.parse(rows[0].retainUntil) - Date.parse(rows[0].availableAt)) / 86_400_000;
    expect(days).toBeCloseTo(30, 1);
    const [call] = (await db.query('SELECT sinch_call_id FROM calls WHERE id = $1', [rows[0].callId])) as { sinch_call_id: string }[];
    const simCall = (await sim.call(call.sinch_call_id)) as { history: { what: string }[] };
    const steps = simCall.history.map((h) => h.what);
    expect(steps).toEqual(expect.arrayContaining(['recording started']));
  });

  it('a campaign with consent and optOut: the question before the message; a callee who presses 9 is not recorded', async () => {
    const campaign = await createCampaign(t, { message: { type: 'tts', text: 'Hello {{firstName}}, your order is ready.' } });
    const put = await t.request('PUT', `/api/v1/recordings/policies/campaign/${campaign.id}`, {
      body: { mode: 'consent', optOut: true, notice: 'We record calls.' },
    });
    expect(put.status).toBe(200);
    const [declines, consents] = ['+14045551301', '+14045551302'];
    // The callee who declines rings long enough for the key to be pressed before the question (the call's key buffer).
    await sim.setRules([{ match: declines, outcome: 'answered', ringTimeS: 100 }]);
    await importContacts(
      t,
      campaign.id,
      [declines, consents].map((phone) => ({ phone, attributes: { firstName: 'Ada' } })),
    );
    expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
    const callOf = (phone: string, where = 'TRUE') =>
      waitFor(
        async () => (await db.query(`SELECT id, sinch_call_id FROM calls WHERE to_number = $1 AND sinch_call_id IS NOT NULL AND ${where}`, [phone]))[0],
        30_000,
      ) as Promise<{ id: string; sinch_call_id: string }>;
    const declined = await callOf(declines);
    await sim.pressKeys(declined.sinch_call_id, '9');
    const consented = await callOf(consents);
    type Answer = { action: { name: string; menus?: unknown[] }; instructions?: { name: string; text?: string }[] };
    const answerTo = (callId: string, event: 'ace' | 'pie') =>
      waitFor(async () => (await sim.events(`?kind=callback&callId=${callId}&event=${event}`)).events[0]?.response, 30_000) as Promise<Answer>;
    for (const call of [declined, consented]) {
      const ace = await answerTo(call.sinch_call_id, 'ace');
      expect(ace.action.name).toBe('runMenu');
      expect(ace.action.menus?.[0]).toMatchObject({
        mainPrompt: '#tts[We record calls. Press 9 if you do not want to be recorded.]',
        options: [{ dtmf: '9', action: 'return(rec:optout)' }],
      });
    }
    // The PIE answers the campaign's message, recorded only for the callee who did not decline.
    const notRecorded = await answerTo(declined.sinch_call_id, 'pie');
    expect(notRecorded.action.name).toBe('hangup');
    expect((notRecorded.instructions ?? []).map((i) => i.name)).toEqual(['say']);
    expect(notRecorded.instructions?.[0].text).toBe('Hello Ada, your order is ready.');
    const recorded = await answerTo(consented.sinch_call_id, 'pie');
    expect((recorded.instructions ?? []).map((i) => i.name)).toEqual(['startRecording', 'say']);
    await waitRecordings(t, consented.id, ['available']);
    // The callee who declined has no recording, not even an expected one flagged later as missing.
    await callOf(declines, 'final_source IS NOT NULL');
    expect(await db.query('SELECT id FROM recordings WHERE call_id = $1 OR sinch_call_id = $2', [declined.id, declined.sinch_call_id])).toEqual([]);
  });

  it('an IVR campaign with consent and optOut: 9 declines recording, then the IVR runs as usual', async () => {
    const campaign = await createCampaign(t, {
      message: { type: 'ivr', prompt: 'Press 1 to confirm.', options: [{ digit: '1', action: 'confirm' }], confirmText: 'Confirmed, thank you.' },
    });
    expect((await t.request('PUT', `/api/v1/recordings/policies/campaign/${campaign.id}`, { body: { mode: 'consent', optOut: true } })).status).toBe(200);
    const phone = '+14045551303';
    await sim.setRules([{ match: phone, outcome: 'answered', ringTimeS: 100 }]);
    await importContacts(t, campaign.id, [{ phone, attributes: { firstName: 'Ada' } }]);
    expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
    const call = (await waitFor(
      async () => (await db.query('SELECT id, sinch_call_id FROM calls WHERE to_number = $1 AND sinch_call_id IS NOT NULL', [phone]))[0],
      30_000,
    )) as { id: string; sinch_call_id: string };
    // Keys in the call's buffer: 9 answers the consent question, 1 the campaign's IVR.
    await sim.pressKeys(call.sinch_call_id, '91');
    type Answer = { action: { name: string; menus?: { id: string }[] }; instructions?: { name: string; text?: string }[] };
    const pies = (await waitFor(async () => {
      const events = (await sim.events(`?kind=callback&callId=${call.sinch_call_id}&event=pie`)).events;
      return events.length === 2 ? events.map((e) => e.response) : undefined;
    }, 30_000)) as Answer[];
    expect(pies[0].action.name).toBe('runMenu');
    expect(pies[0].action.menus?.[0].id).toBe('main');
    expect((pies[0].instructions ?? []).map((i) => i.name)).toEqual([]);
    expect(pies[1].action.name).toBe('hangup');
    expect(pies[1].instructions?.map((i) => i.text)).toEqual(['Confirmed, thank you.']);
    await waitFor(async () => (await db.query('SELECT 1 FROM calls WHERE id = $1 AND final_source IS NOT NULL', [call.id])).length === 1, 30_000);
    expect(await db.query('SELECT id FROM recordings WHERE call_id = $1 OR sinch_call_id = $2', [call.id, call.sinch_call_id])).toEqual([]);
  });
});
