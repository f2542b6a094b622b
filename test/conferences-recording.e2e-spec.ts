import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sim, sql, until } from './callbacks-kit';
import { readWav, waitRecordings, type RecordingRow } from './recordings-kit';
import { createTestApp, type TestApp } from './test-app';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers of the simulated account used here only.
const DIAL_OUT = ['+46701239021', '+46701239022', '+46701239023', '+46701239024'];

// A conference room's recording policy (target `conference`, id = the room's Sinch conference id): each dialled-out
// leg is recorded from its ACE, and its recording carries the room's conference id.
describe('Conferences recording (e2e)', () => {
  let t: TestApp;
  let dir: string;
  const policy = (conferenceId: string, mode: string) =>
    t.request('PUT', `/api/v1/recordings/policies/conference/${encodeURIComponent(conferenceId)}`, { body: { mode } });
  const createRoom = async (): Promise<Body> => {
    const res = await t.request('POST', '/api/v1/conferences', {
      body: { name: 'Recorded', sinchConferenceId: `rec-${Date.now()}-${Math.floor(Math.random() * 1e6)}` },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  // Dials two numbers into the room, waits for both to be in it, hangs them up; the legs' calls rows.
  const twoLegs = async (room: Body, numbers: string[]): Promise<{ id: string; sinch_call_id: string }[]> => {
    expect((await t.request('POST', `/api/v1/conferences/${room.id}/participants`, { body: { destinations: numbers } })).status).toBe(202);
    const joined = await until(async () => {
      const participants = (await t.request('GET', `/api/v1/conferences/${room.id}`)).body.participants as Body[];
      return participants.length === 2 && participants.every((p) => p.state === 'joined') ? participants : undefined;
    }, 20_000);
    for (const p of joined) await sim(t, 'POST', `/_sim/calls/${p.sinchCallId}/hangup`);
    return until(async () => {
      const rows = await sql<{ id: string; sinch_call_id: string }>(t, `SELECT id, sinch_call_id FROM calls WHERE conference_id = $1 AND state = 'completed'`, [
        room.sinchConferenceId,
      ]);
      return rows.length === 2 ? rows : undefined;
    }, 20_000);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conferences-recording-'));
    t = await createTestApp({ RECORDINGS_LOCAL_DIR: dir });
    await sim(t, 'PUT', '/_sim/rules', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 3000 }] });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  // The simulator logs a callback once our answer is back: wait for the entry rather than race it.
  const aceOf = (sinchCallId: string) =>
    until(async () => (await sim(t, 'GET', `/_sim/events?kind=callback&callId=${sinchCallId}&event=ace`)).events[0] as Body | undefined, 10_000);

  it('a policy on a room that does not exist is 404', async () => {
    const res = await policy('no-such-room', 'on');
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('does not exist');
  });

  it('optOut on a room is refused (rooms do not ask "press 9"), naming the targets that do', async () => {
    const room = await createRoom();
    const res = await t.request('PUT', `/api/v1/recordings/policies/conference/${encodeURIComponent(room.sinchConferenceId)}`, {
      body: { mode: 'consent', optOut: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'optOut', rule: 'not_supported_for_target' })]);
    expect(res.body.message).toMatch(/supported for: .*campaign/);
    expect(res.body.message).toMatch(/supported for: .*route/);
    expect(res.body.message).toMatch(/supported for: .*queue/);
    expect((await t.request('GET', '/api/v1/recordings/policies')).body.policies).not.toContainEqual(
      expect.objectContaining({ targetType: 'conference', targetId: room.sinchConferenceId }),
    );
  });

  it('a room with policy on: both dialled-out legs are recorded, available with the room conference id and a playable file', async () => {
    const room = await createRoom();
    expect((await policy(room.sinchConferenceId, 'on')).status).toBe(200);
    const legs = await twoLegs(room, DIAL_OUT.slice(0, 2));
    for (const leg of legs) {
      const ace = (await aceOf(leg.sinch_call_id)).response as Body;
      expect(ace.instructions.map((i: Body) => i.name)).toEqual(['startRecording']);
      expect(ace.action).toMatchObject({ name: 'connectConf', conferenceId: room.sinchConferenceId });
      const [rec] = await waitRecordings(t, leg.id, ['available']);
      expect(rec.conferenceId).toBe(room.sinchConferenceId);
      expect(readWav(readFileSync(fileURLToPath(rec.location as string))).seconds).toBeGreaterThan(0);
    }
    const page = await t.request('GET', `/api/v1/recordings?conferenceId=${encodeURIComponent(room.sinchConferenceId)}`);
    expect(page.status).toBe(200);
    expect((page.body.items as RecordingRow[]).map((r) => r.callId).sort()).toEqual(legs.map((l) => l.id).sort());
  });

  it('a room whose policy is turned off records nothing', async () => {
    const room = await createRoom();
    expect((await policy(room.sinchConferenceId, 'on')).status).toBe(200);
    expect((await policy(room.sinchConferenceId, 'off')).status).toBe(200);
    const legs = await twoLegs(room, DIAL_OUT.slice(2, 4));
    for (const leg of legs) {
      const ace = await aceOf(leg.sinch_call_id);
      expect(JSON.stringify(ace.response)).not.toContain('startRecording');
    }
    // The legs' DiCE have been followed up (the call rows are final): a recording would have been expected by now.
    await until(
      async () => (await sql(t, `SELECT 1 FROM calls WHERE conference_id = $1 AND final_source IS NOT NULL`, [room.sinchConferenceId])).length === 2,
      20_000,
    );
    expect((await t.request('GET', `/api/v1/recordings?conferenceId=${encodeURIComponent(room.sinchConferenceId)}`)).body.items).toEqual([]);
    expect(await sql(t, 'SELECT 1 FROM recordings WHERE conference_id = $1', [room.sinchConferenceId])).toEqual([]);
  });
});
