import type Redis from 'ioredis';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { eventStreamKey } from 'src/events/admin-events.service';
import { REDIS } from 'src/redis/redis.tokens';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { sim, sql, until } from './callbacks-kit';
import { connect, type SseEvent } from './sse-kit';
import { createTestApp, type TestApp } from './test-app';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Numbers of the simulated account used here only.
const ROOM_NUMBER = '+46101239201'; // unique to this suite (the run's database is shared)
const CALLERS = ['+46701239001', '+46701239002', '+46701239003', '+46701239004', '+46701239005'];
const DIAL_OUT = ['+46701239011', '+46701239012', '+46701239013'];
const STREAMED = ['+46701239021', '+46701239022'];
const FULL_ROOM_CALLERS = ['+46701239031', '+46701239032'];
const PARTICIPANT_PIN = '2468';
const MODERATOR_PIN = '13579';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('Conferences (e2e)', () => {
  let t: TestApp;
  let numberId: string;
  const api = (method: string, path: string, body?: unknown, key?: string | null) => t.request(method, `/api/v1/conferences${path}`, { body, key });
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const simRoom = async (conferenceId: string): Promise<Body | undefined> =>
    ((await sim(t, 'GET', '/_sim/conferences')).conferences as Body[]).find((c) => c.conferenceId === conferenceId);
  const simParticipants = async (conferenceId: string): Promise<Body[]> => (await simRoom(conferenceId))?.participants ?? [];
  const view = async (roomId: string): Promise<Body> => (await api('GET', `/${roomId}`)).body;
  const participantOf = async (roomId: string, sinchCallId: string): Promise<Body | undefined> =>
    (await view(roomId)).participants.find((p: Body) => p.sinchCallId === sinchCallId);
  const roomCount = async () => (await sql(t, 'SELECT count(*)::int AS n FROM conference_rooms'))[0].n as number;
  // The admin event stream's entries of the `conferences` topic for one room, as { type, data }.
  const publishedFor = async (roomId: string): Promise<Body[]> => {
    const entries = await t.app.get<Redis>(REDIS).xrange(eventStreamKey(t.config), '-', '+');
    return entries
      .map(([, fields]) => Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : []))))
      .filter((f) => f.topic === 'conferences')
      .map((f) => ({ type: f.type, data: JSON.parse(f.data) }))
      .filter((e) => e.data.roomId === roomId);
  };
  // By the key itself: every e2e app of a run creates its own "test <role>" keys in the shared database.
  const keyId = async (role: 'admin' | 'supervisor') => (await t.app.get(ApiKeysService).authenticate(t.keys[role]))!.id;

  const createRoom = async (over: Record<string, unknown> = {}): Promise<Body> => {
    const res = await api('POST', '', { name: 'Room', sinchConferenceId: `conf-${Date.now()}-${Math.floor(Math.random() * 1e6)}`, ...over });
    expect(res.status).toBe(201);
    return res.body;
  };
  const routeNumberTo = async (roomId: string) => {
    const res = await t.request('PUT', `/api/v1/numbers/${numberId}/route`, { body: { route: { type: 'conference', target: roomId } } });
    expect(res.status).toBe(200);
  };
  const dialIn = async (from: string): Promise<string> => (await sim(t, 'POST', '/_sim/inbound', { from, to: ROOM_NUMBER })).callId;
  const simCall = (callId: string) => sim(t, 'GET', `/_sim/calls/${callId}`);
  // Waits for the caller to be in the PIN menu of the given try, then keys the PIN and #.
  const enterPin = async (callId: string, roomId: string, attempt: number, pin: string) => {
    await until(async () => (await simCall(callId)).inMenu === `cf:${roomId}:${attempt}`);
    await sim(t, 'POST', `/_sim/calls/${callId}/dtmf`, { digits: `${pin}#` });
  };
  const pieAnswers = async (callId: string): Promise<Body[]> => (await simEvents(`kind=callback&callId=${callId}&event=pie`)).map((e) => e.response);
  const ended = (callId: string) => until(async () => (await simCall(callId)).phase === 'ended', 15_000);
  const joinedAs = async (roomId: string, callId: string) =>
    until(async () => {
      const p = await participantOf(roomId, callId);
      return p?.state === 'joined' ? p : undefined;
    });

  beforeAll(async () => {
    // A slower clock than the default, so the PIN menu's 10 s timeout leaves the test time to key the digits.
    t = await createTestApp({ SIMULATOR_TIME_SCALE: '10' });
    // Everyone answers and stays on the line until hung up, kicked or the room ends.
    await sim(t, 'PUT', '/_sim/rules', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 3000 }] });
    await sim(t, 'POST', '/_sim/numbers', { number: ROOM_NUMBER, countryId: 'SE', numberType: 'Fixed', assigned: true });
    expect((await t.request('POST', '/api/v1/numbers/sync')).status).toBe(200);
    numberId = ((await t.request('GET', '/api/v1/numbers?limit=200')).body.items as Body[]).find((n) => n.number === ROOM_NUMBER)!.id;
  });

  afterAll(async () => {
    await t.close();
  });

  describe('rooms', () => {
    it('creates, reads, updates and deletes a room; PINs are never shown', async () => {
      const room = await createRoom({
        name: 'All hands',
        participantPin: '1234',
        moderatorPin: '98765',
        musicOnHold: 'music3',
        maxParticipants: 10,
        joinMuted: true,
      });
      expect(room).toMatchObject({
        name: 'All hands',
        participantPinSet: true,
        moderatorPinSet: true,
        musicOnHold: 'music3',
        maxParticipants: 10,
        joinMuted: true,
        locked: false,
      });
      expect(JSON.stringify(room)).not.toContain('98765');
      const read = await api('GET', `/${room.id}`, undefined, t.keys.reporting);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ room: { id: room.id }, session: null, participants: [] });
      expect((await api('GET', '', undefined, t.keys.reporting)).body.items.map((r: Body) => r.id)).toContain(room.id);
      const patched = await api('PATCH', `/${room.id}`, { participantPin: null, openFrom: '2026-01-01T00:00:00Z', openUntil: '2030-01-01T00:00:00Z' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ participantPinSet: false, openFrom: '2026-01-01T00:00:00.000Z' });
      expect((await api('POST', '', { name: 'Dup', sinchConferenceId: room.sinchConferenceId })).status).toBe(409);
      expect((await api('DELETE', `/${room.id}`)).status).toBe(204);
      expect((await api('GET', `/${room.id}`)).status).toBe(404);
    });

    it.each([
      ['a conference id over 64 characters', { sinchConferenceId: 'x'.repeat(65) }, 'sinchConferenceId'],
      ['a conference id with a slash', { sinchConferenceId: 'a/b' }, 'sinchConferenceId'],
      ['an unknown music', { musicOnHold: 'jazz' }, 'musicOnHold'],
      ['a PIN of letters', { participantPin: 'abcd' }, 'participantPin'],
      ['max participants 0', { maxParticipants: 0 }, 'maxParticipants'],
      ['the same PIN twice', { participantPin: '1111', moderatorPin: '1111' }, 'moderatorPin'],
      ['a schedule ending before it starts', { openFrom: '2026-12-02T00:00:00Z', openUntil: '2026-12-01T00:00:00Z' }, 'openUntil'],
      ['an unknown field', { colour: 'red' }, 'colour'],
    ])('refuses %s with a 400 naming the field; nothing is stored', async (_what, over, field) => {
      const before = await roomCount();
      const res = await api('POST', '', { name: 'Bad', sinchConferenceId: 'bad-room', ...over });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: Body) => d.field)).toContain(field);
      expect(await roomCount()).toBe(before);
    });

    it('refuses to clear a required setting, and a bad id in the path, with a 400', async () => {
      const room = await createRoom();
      const res = await api('PATCH', `/${room.id}`, { name: null });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'name', rule: 'notNull' })]);
      expect((await api('GET', '/not-a-uuid')).status).toBe(400);
      expect((await api('POST', `/${room.id}/participants`, { destinations: ['12'] })).status).toBe(400);
      expect((await api('POST', `/${room.id}/participants`, { destinations: [] })).status).toBe(400);
      expect((await api('POST', `/${room.id}/participants`, { destinations: [DIAL_OUT[0]], role: 'king' })).status).toBe(400);
      expect(await sql(t, 'SELECT 1 FROM conference_participants WHERE room_id = $1', [room.id])).toEqual([]);
    });

    it('a full room refuses a dial-out with a 409 naming the limit; nothing is placed or stored', async () => {
      const room = await createRoom({ maxParticipants: 1 });
      const calls = async () => (await sql(t, 'SELECT count(*)::int AS n FROM calls'))[0].n as number;
      const before = await calls();
      const res = await api('POST', `/${room.id}/participants`, { destinations: [DIAL_OUT[0], DIAL_OUT[1]] });
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('This conference is full');
      expect(res.body.message).toContain('at most 1');
      expect(await calls()).toBe(before);
      expect(await sql(t, 'SELECT 1 FROM conference_participants WHERE room_id = $1', [room.id])).toEqual([]);
      await api('POST', `/${room.id}/lock`);
      expect((await api('POST', `/${room.id}/participants`, { destinations: [DIAL_OUT[0]] })).body.message).toContain('locked');
    });

    it('every route answers 401 without a key, 403 to a role that may not use it, and lets every role that may through', async () => {
      const room = await createRoom();
      // Dial-out is tried on a locked room: the roles that may get its 409, and no call is placed.
      const locked = await createRoom();
      await api('POST', `/${locked.id}/lock`);
      const p = `/${room.id}/participants/${UNKNOWN}`;
      const routes: [string, string, unknown, string[]][] = [
        ['POST', '', { name: 'x', sinchConferenceId: 'roles-room' }, ['agent', 'reporting']],
        ['GET', '', undefined, ['agent']],
        ['GET', `/${room.id}`, undefined, ['agent']],
        ['PATCH', `/${room.id}`, { name: 'y' }, ['agent', 'reporting']],
        ['DELETE', `/${UNKNOWN}`, undefined, ['agent', 'reporting']],
        ['POST', `/${locked.id}/participants`, { destinations: [DIAL_OUT[0]] }, ['agent', 'reporting']],
        ['POST', `${p}/mute`, undefined, ['agent', 'reporting']],
        ['POST', `${p}/unmute`, undefined, ['agent', 'reporting']],
        ['POST', `${p}/hold`, {}, ['agent', 'reporting']],
        ['POST', `${p}/resume`, undefined, ['agent', 'reporting']],
        ['DELETE', p, undefined, ['agent', 'reporting']],
        ['POST', `/${room.id}/mute-all`, undefined, ['agent', 'reporting']],
        ['POST', `/${room.id}/lock`, undefined, ['agent', 'reporting']],
        ['POST', `/${room.id}/unlock`, undefined, ['agent', 'reporting']],
        ['POST', `/${room.id}/end`, undefined, ['agent', 'reporting']],
        ['GET', `/${room.id}/sessions`, undefined, ['agent']],
        ['GET', `/${room.id}/sessions/${UNKNOWN}`, undefined, ['agent']],
      ];
      const roles = ['admin', 'supervisor', 'agent', 'reporting'] as const;
      for (const [method, path, body, forbidden] of routes) {
        expect([method, path, (await api(method, path, body, null)).status]).toEqual([method, path, 401]);
        for (const role of forbidden)
          expect([method, path, role, (await api(method, path, body, t.keys[role as 'agent'])).status]).toEqual([method, path, role, 403]);
        // Each role that may: past the guard, answered by the route itself (created, read, a 404 of an unknown id,
        // the 409 of a locked room or of no open session), never 401 / 403 nor a 5xx.
        for (const role of roles.filter((r) => !forbidden.includes(r))) {
          const res = await api(method, path, body, t.keys[role]);
          expect([method, path, role, res.status >= 200 && res.status < 500 && res.status !== 401 && res.status !== 403]).toEqual([method, path, role, true]);
          expect([method, path, role, res.body?.code === 'role_forbidden']).toEqual([method, path, role, false]);
        }
      }
      // Reporting reads; supervisor manages (a room of its own, and the 404s of the unknown ids).
      expect((await api('GET', `/${room.id}/sessions`, undefined, t.keys.reporting)).status).toBe(200);
      expect((await api('GET', `/${room.id}/sessions/${UNKNOWN}`, undefined, t.keys.reporting)).status).toBe(404);
      expect((await api('POST', '', { name: 'sup', sinchConferenceId: `sup-${Date.now()}` }, t.keys.supervisor)).status).toBe(201);
      expect((await api('POST', `${p}/mute`, undefined, t.keys.supervisor)).status).toBe(404);
      expect((await api('POST', `/${UNKNOWN}/lock`, undefined, t.keys.supervisor)).status).toBe(404);
      expect((await api('POST', `/${room.id}/end`, undefined, t.keys.supervisor)).status).toBe(409);
      expect((await api('POST', `/${room.id}/mute-all`, undefined, t.keys.supervisor)).status).toBe(409);
    });
  });

  describe('dial-in with PINs, moderation, lock and end', () => {
    let room: Body;
    const legs: Record<string, string> = {};

    beforeAll(async () => {
      room = await createRoom({ name: 'Dial-in', participantPin: PARTICIPANT_PIN, moderatorPin: MODERATOR_PIN, musicOnHold: 'music1' });
      await routeNumberTo(room.id);
    });

    it('the right PIN joins as a participant, the moderator PIN as a moderator; both in our view and in the room', async () => {
      legs.participant = await dialIn(CALLERS[0]);
      await enterPin(legs.participant, room.id, 1, PARTICIPANT_PIN);
      legs.moderator = await dialIn(CALLERS[1]);
      await enterPin(legs.moderator, room.id, 1, MODERATOR_PIN);
      const p = await joinedAs(room.id, legs.participant);
      const m = await joinedAs(room.id, legs.moderator);
      expect(p).toMatchObject({ role: 'participant', direction: 'in', number: CALLERS[0], muted: false, onHold: false });
      expect(p.callId).toMatch(/^[0-9a-f-]{36}$/);
      // The dial-in leg's call row names the room, as a dial-out leg's does (its recordings and costs find it).
      expect(await sql(t, 'SELECT conference_id FROM calls WHERE id = $1', [p.callId])).toEqual([{ conference_id: room.sinchConferenceId }]);
      expect(m).toMatchObject({ role: 'moderator', number: CALLERS[1] });
      expect((await simParticipants(room.sinchConferenceId)).map((x) => x.callId).sort()).toEqual([legs.participant, legs.moderator].sort());
      const v = await view(room.id);
      expect(v).toMatchObject({ sinch: 'ok', session: { peakParticipants: 2 } });
      expect(typeof p.talkingTimeS).toBe('number');
      expect((await pieAnswers(legs.participant))[0]).toEqual({ action: { name: 'connectConf', conferenceId: room.sinchConferenceId, moh: 'music1' } });
    });

    it('a wrong PIN three times: asked again twice, then a polite goodbye and a hangup; never in the room', async () => {
      const callId = await dialIn(CALLERS[2]);
      for (const attempt of [1, 2, 3]) await enterPin(callId, room.id, attempt, '1111');
      await ended(callId);
      const answers = await pieAnswers(callId);
      expect(answers).toHaveLength(3);
      expect(answers[0].action).toMatchObject({ name: 'runMenu', mainMenu: `cf:${room.id}:2` });
      expect(answers[1].action).toMatchObject({ name: 'runMenu', mainMenu: `cf:${room.id}:3` });
      expect(answers[2]).toEqual({ instructions: [{ name: 'say', text: 'Sorry, that PIN is not valid. Goodbye.' }], action: { name: 'hangup' } });
      expect(await sql(t, 'SELECT 1 FROM conference_participants WHERE sinch_call_id = $1', [callId])).toEqual([]);
      expect((await simRoom(room.sinchConferenceId))!.past.map((x: Body) => x.callId)).not.toContain(callId);
    });

    it('mute, unmute, hold with a chosen music and resume: the answer, our view and the simulator room agree', async () => {
      const path = async (action: string) => `/${room.id}/participants/${(await participantOf(room.id, legs.participant))!.id}/${action}`;
      const inSim = async () => (await simParticipants(room.sinchConferenceId)).find((x) => x.callId === legs.participant)!;

      const muted = await api('POST', await path('mute'), undefined, t.keys.supervisor);
      expect(muted.status).toBe(200);
      expect(muted.body).toMatchObject({ muted: true, onHold: false, state: 'joined' });
      expect(await inSim()).toMatchObject({ muted: true });
      expect(await participantOf(room.id, legs.participant)).toMatchObject({ muted: true });

      expect((await api('POST', await path('unmute'))).body).toMatchObject({ muted: false });
      expect(await inSim()).toMatchObject({ muted: false });

      expect((await api('POST', await path('hold'), { music: 'jazz' })).status).toBe(400);
      const held = await api('POST', await path('hold'), { music: 'music2' });
      expect(held.body).toMatchObject({ onHold: true });
      expect(await inSim()).toMatchObject({ onhold: true, moh: 'music2', hears: 'music2' });
      expect(await participantOf(room.id, legs.participant)).toMatchObject({ onHold: true });

      expect((await api('POST', await path('resume'))).body).toMatchObject({ onHold: false });
      expect(await inSim()).toMatchObject({ onhold: false, hears: 'conference' });
    });

    it('mute everyone but the moderators reports each participant', async () => {
      const res = await api('POST', `/${room.id}/mute-all`);
      expect(res.status).toBe(200);
      const pid = (await participantOf(room.id, legs.participant))!.id;
      expect(res.body.results).toEqual([expect.objectContaining({ participantId: pid, ok: true, participant: expect.objectContaining({ muted: true }) })]);
      const inSim = await simParticipants(room.sinchConferenceId);
      expect(inSim.find((x) => x.callId === legs.participant)).toMatchObject({ muted: true });
      expect(inSim.find((x) => x.callId === legs.moderator)).toMatchObject({ muted: false });
      // Our own view says the same.
      expect(await participantOf(room.id, legs.participant)).toMatchObject({ muted: true });
      expect(await participantOf(room.id, legs.moderator)).toMatchObject({ muted: false });
      await api('POST', `/${room.id}/participants/${pid}/unmute`);
    });

    it('a locked room refuses a participant with a message; unlocked, it admits', async () => {
      expect((await api('POST', `/${room.id}/lock`)).body).toMatchObject({ locked: true });
      const refused = await dialIn(CALLERS[3]);
      await enterPin(refused, room.id, 1, PARTICIPANT_PIN);
      await ended(refused);
      expect((await pieAnswers(refused))[0]).toEqual({
        instructions: [{ name: 'say', text: 'This conference is locked. Please contact the organiser. Goodbye.' }],
        action: { name: 'hangup' },
      });
      expect(await sql(t, 'SELECT 1 FROM conference_participants WHERE sinch_call_id = $1', [refused])).toEqual([]);
      expect((await api('POST', `/${room.id}/unlock`)).body).toMatchObject({ locked: false });
      legs.late = await dialIn(CALLERS[3]);
      await enterPin(legs.late, room.id, 1, PARTICIPANT_PIN);
      await joinedAs(room.id, legs.late);
    });

    it('a kicked participant leaves the room, gets its DiCE, and can no longer be moderated (409); unknown ids are 404', async () => {
      const pid = (await participantOf(room.id, legs.late))!.id;
      const kicked = await api('DELETE', `/${room.id}/participants/${pid}`);
      expect(kicked.status).toBe(200);
      expect(kicked.body).toMatchObject({ state: 'left', leaveReason: 'kicked' });
      expect((await simParticipants(room.sinchConferenceId)).map((x) => x.callId)).not.toContain(legs.late);
      await ended(legs.late);
      const row = await until(async () => (await sql(t, 'SELECT * FROM conference_participants WHERE id = $1 AND debit_amount IS NOT NULL', [pid]))[0]);
      expect(row).toMatchObject({ leave_reason: 'kicked' });
      const again = await api('POST', `/${room.id}/participants/${pid}/mute`);
      expect(again.status).toBe(409);
      expect(again.body.message).toContain('has left');
      expect((await api('POST', `/${room.id}/participants/${UNKNOWN}/mute`)).status).toBe(404);
      const other = await createRoom();
      expect((await api('POST', `/${other.id}/participants/${pid}/mute`)).status).toBe(404);
    });

    it('a leg Sinch no longer lists (its DiCE lost) is marked left by the live view', async () => {
      legs.vanished = await dialIn(CALLERS[4]);
      await enterPin(legs.vanished, room.id, 1, PARTICIPANT_PIN);
      await joinedAs(room.id, legs.vanished);
      await sim(t, 'PUT', '/_sim/faults', { dropDice: true });
      try {
        // Removed behind our back (not through our API), and its DiCE never arrives.
        await t.app.get(SinchVoiceClient).kickConferenceParticipant(room.sinchConferenceId, legs.vanished);
        await ended(legs.vanished);
      } finally {
        await sim(t, 'PUT', '/_sim/faults', {});
      }
      const gone = await until(async () => {
        const p = await participantOf(room.id, legs.vanished);
        return p?.state === 'left' ? p : undefined;
      });
      expect(gone).toMatchObject({ leaveReason: 'left' });
      expect((await view(room.id)).participants.filter((p: Body) => p.state === 'joined')).toHaveLength(2);
    });

    it('end kicks everyone, closes the session, and the timeline names who did what', async () => {
      const sessionId = (await view(room.id)).session.id;
      const res = await api('POST', `/${room.id}/end`, undefined, t.keys.supervisor);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: Body) => r.participant.leaveReason)).toEqual(['ended', 'ended']);
      await ended(legs.participant);
      await ended(legs.moderator);
      expect(await simParticipants(room.sinchConferenceId)).toEqual([]);
      const v = await view(room.id);
      expect(v.session).toBeNull();
      const pid = res.body.results[0].participantId;
      expect((await api('POST', `/${room.id}/participants/${pid}/mute`)).status).toBe(409);

      const detail = await until(async () => {
        const d = (await api('GET', `/${room.id}/sessions/${sessionId}`, undefined, t.keys.reporting)).body;
        return d.participants.every((p: Body) => p.talkingTimeS !== null) && d.totalCost.length > 0 ? d : undefined;
      });
      const supervisor = await keyId('supervisor');
      const admin = await keyId('admin');
      const types = detail.timeline.map((e: Body) => e.type);
      expect(types.filter((x: string) => x === 'joined')).toHaveLength(4);
      expect(types).toEqual(expect.arrayContaining(['mute', 'unmute', 'hold', 'resume', 'lock', 'unlock', 'kick', 'end', 'left']));
      expect(detail.timeline.find((e: Body) => e.type === 'mute')).toMatchObject({ apiKeyId: supervisor });
      expect(detail.timeline.find((e: Body) => e.type === 'hold')).toMatchObject({ apiKeyId: admin, music: 'music2' });
      expect(detail.timeline.find((e: Body) => e.type === 'end')).toMatchObject({ apiKeyId: supervisor, reason: 'ended' });
      expect(
        detail.timeline
          .filter((e: Body) => e.type === 'left')
          .map((e: Body) => e.reason)
          .sort(),
      ).toEqual(['ended', 'ended', 'kicked', 'left']);
      expect(detail).toMatchObject({ peakParticipants: 3, endedAt: expect.any(String) });
    });
  });

  describe('dial-out, wait for a moderator, end when the moderator leaves', () => {
    it('participants dialled out wait on hold (muted) until a moderator joins; the moderator leaving ends the room; totals equal the call log', async () => {
      const room = await createRoom({ name: 'Dial-out', musicOnHold: 'music3', joinMuted: true, waitForModerator: true, endWhenModeratorLeaves: true });
      const res = await api('POST', `/${room.id}/participants`, { destinations: [DIAL_OUT[0], DIAL_OUT[1]] });
      expect(res.status).toBe(202);
      expect(res.body.items).toEqual([
        expect.objectContaining({ number: DIAL_OUT[0], role: 'participant', direction: 'out', state: 'ringing', callId: expect.any(String) }),
        expect.objectContaining({ number: DIAL_OUT[1], state: 'ringing' }),
      ]);
      const callIds: string[] = res.body.items.map((p: Body) => p.callId);
      // Conference callouts through the callouts queue.
      const rows = await until(async () => {
        const r = await sql(t, `SELECT id, kind, sinch_call_id, conference_id FROM calls WHERE id = ANY($1) AND sinch_call_id IS NOT NULL`, [callIds]);
        return r.length === 2 ? r : undefined;
      });
      expect(rows.every((r) => r.kind === 'conference' && r.conference_id === room.sinchConferenceId)).toBe(true);
      const waiting = await until(async () => {
        const inSim = await simParticipants(room.sinchConferenceId);
        return inSim.length === 2 && inSim.every((x) => x.onhold && x.muted) ? inSim : undefined;
      });
      expect(waiting.every((x) => x.hears === 'music3')).toBe(true);
      expect((await view(room.id)).participants.every((p: Body) => p.onHold && p.heldForModerator && p.muted)).toBe(true);

      const mod = await api('POST', `/${room.id}/participants`, { destinations: [DIAL_OUT[2]], role: 'moderator' });
      const modCallId = mod.body.items[0].callId;
      await until(async () => {
        const inSim = await simParticipants(room.sinchConferenceId);
        return inSim.length === 3 && inSim.every((x) => !x.onhold) ? inSim : undefined;
      });
      const v = await view(room.id);
      expect(v.participants.find((p: Body) => p.callId === modCallId)).toMatchObject({ role: 'moderator', muted: false });
      expect(v.participants.filter((p: Body) => p.role === 'participant').every((p: Body) => p.muted && !p.onHold)).toBe(true);

      const modSinchId = (await sql(t, 'SELECT sinch_call_id FROM calls WHERE id = $1', [modCallId]))[0].sinch_call_id;
      const sessionId = v.session.id;
      await sim(t, 'POST', `/_sim/calls/${modSinchId}/hangup`);
      await until(async () => (await simParticipants(room.sinchConferenceId)).length === 0);
      // Every leg's DiCE taken (ours and the call log's), then the session's summary is read.
      await until(async () => {
        const final = await sql(t, 'SELECT count(*)::int AS n FROM conference_participants WHERE session_id = $1 AND debit_amount IS NULL', [sessionId]);
        const billed = await sql(t, 'SELECT count(*)::int AS n FROM calls WHERE id = ANY($1) AND debit_amount IS NOT NULL', [[...callIds, modCallId]]);
        return final[0].n === 0 && billed[0].n === 3;
      });
      const summary = ((await api('GET', `/${room.id}/sessions`)).body.items as Body[]).find((x) => x.id === sessionId)!;
      expect(summary.endedAt).toEqual(expect.any(String));
      const reasons = (await sql(t, 'SELECT role, leave_reason FROM conference_participants WHERE session_id = $1 ORDER BY role', [sessionId])).map(
        (r) => `${r.role}:${r.leave_reason}`,
      );
      expect(reasons).toEqual(['moderator:hung_up', 'participant:moderator_left', 'participant:moderator_left']);
      const ledger = await sql(
        t,
        `SELECT trim(debit_currency) AS currency, sum(debit_amount)::text AS amount, sum(duration_s)::int AS seconds FROM calls WHERE id = ANY($1) GROUP BY 1`,
        [[...callIds, modCallId]],
      );
      expect(summary.totalCost).toEqual(ledger.map((l) => ({ currency: l.currency, amount: l.amount })));
      expect(summary).toMatchObject({ peakParticipants: 3, participantCount: 3, totalSeconds: ledger[0].seconds });

      // Joins, the room's own holds and resumes, and the leaves were published on the admin event stream.
      const published = await until(async () => {
        const list = await publishedFor(room.id);
        return list.filter((e) => e.type === 'left').length === 3 ? list : undefined;
      });
      expect(published.filter((e) => e.type === 'joined')).toHaveLength(3);
      expect(published.filter((e) => e.type === 'hold').map((e) => e.data)).toEqual([
        expect.objectContaining({ by: 'wait_for_moderator', music: 'music3', sessionId, apiKeyId: null }),
        expect.objectContaining({ by: 'wait_for_moderator', music: 'music3', sessionId, apiKeyId: null }),
      ]);
      expect(published.filter((e) => e.type === 'resume')).toHaveLength(2);
      expect(
        published
          .filter((e) => e.type === 'left')
          .map((e) => e.data.reason)
          .sort(),
      ).toEqual(['hung_up', 'moderator_left', 'moderator_left']);
    });
  });
  describe('moderation on the admin event stream', () => {
    it('a client of GET /api/v1/events?topics=conferences sees joins, API moderation (mute, lock, kick, end) and leaves', async () => {
      const client = await connect(t, '/api/v1/events?topics=conferences', t.keys.reporting);
      try {
        expect(client.status).toBe(200);
        await client.next((e) => e.event === 'ready');
        const room = await createRoom({ name: 'Streamed' });
        const ofRoom = (type: string, participantId?: string) => (e: SseEvent) =>
          e.event === `conferences.${type}` && e.data.roomId === room.id && (participantId === undefined || e.data.participantId === participantId);
        const res = await api('POST', `/${room.id}/participants`, { destinations: STREAMED });
        expect(res.status).toBe(202);
        const [a, b] = res.body.items.map((x: Body) => x.id as string);
        await client.next(ofRoom('joined', a), 20_000);
        await client.next(ofRoom('joined', b), 20_000);
        const supervisor = await keyId('supervisor');

        expect((await api('POST', `/${room.id}/participants/${a}/mute`, undefined, t.keys.supervisor)).status).toBe(200);
        expect((await client.next(ofRoom('mute', a))).data).toMatchObject({ apiKeyId: supervisor, sessionId: expect.any(String) });
        expect((await api('POST', `/${room.id}/lock`, undefined, t.keys.supervisor)).status).toBe(200);
        expect((await client.next(ofRoom('lock'))).data).toMatchObject({ apiKeyId: supervisor });
        expect((await api('DELETE', `/${room.id}/participants/${b}`, undefined, t.keys.supervisor)).status).toBe(200);
        expect((await client.next(ofRoom('kick', b))).data).toMatchObject({ apiKeyId: supervisor });
        expect((await client.next(ofRoom('left', b), 20_000)).data).toMatchObject({ reason: 'kicked' });
        expect((await api('POST', `/${room.id}/end`, undefined, t.keys.supervisor)).status).toBe(200);
        expect((await client.next(ofRoom('end'))).data).toMatchObject({ apiKeyId: supervisor });
        expect((await client.next(ofRoom('left', a), 20_000)).data).toMatchObject({ reason: 'ended' });
        // In the order they happened.
        const order = client.events.filter((e) => e.event.startsWith('conferences.') && e.data.roomId === room.id).map((e) => e.event.slice(12));
        expect(order.indexOf('mute')).toBeLessThan(order.indexOf('lock'));
        expect(order.indexOf('kick')).toBeLessThan(order.indexOf('end'));
      } finally {
        client.close();
        await until(() => Promise.resolve(client.closed));
      }
    });
  });

  describe('a full room', () => {
    it('refuses a dial-in with a spoken message and a hangup; the caller is never in the room', async () => {
      const room = await createRoom({ name: 'Tiny', maxParticipants: 1, participantPin: PARTICIPANT_PIN });
      await routeNumberTo(room.id);
      const first = await dialIn(FULL_ROOM_CALLERS[0]);
      await enterPin(first, room.id, 1, PARTICIPANT_PIN);
      await joinedAs(room.id, first);
      const refused = await dialIn(FULL_ROOM_CALLERS[1]);
      await enterPin(refused, room.id, 1, PARTICIPANT_PIN);
      await ended(refused);
      const answers = (await simEvents(`kind=callback&callId=${refused}`)).map((e) => e.response).filter(Boolean);
      expect(answers).toContainEqual(
        expect.objectContaining({
          instructions: [{ name: 'say', text: 'This conference is full. Please try again later. Goodbye.' }],
          action: { name: 'hangup' },
        }),
      );
      expect(await sql(t, 'SELECT 1 FROM conference_participants WHERE sinch_call_id = $1', [refused])).toEqual([]);
      expect((await simParticipants(room.sinchConferenceId)).map((x) => x.callId)).toEqual([first]);
      expect((await view(room.id)).participants.map((p: Body) => p.sinchCallId)).toEqual([first]);
      expect((await api('POST', `/${room.id}/end`)).status).toBe(200);
      await ended(first);
      // Both DiCEs answered before the suite closes the app (a callback still in flight then keeps its connection,
      // and the close, waiting for Fastify's keep-alive timeout).
      for (const callId of [first, refused])
        await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=dice`)).some((e) => e.status === 200));
    });
  });
});
