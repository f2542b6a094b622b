import { admission, MESSAGES, pinEntry, pinMenu, roleForPin, type DialInRoom } from './conference-dial-in';
import { assertValidSvaml } from 'src/sinch/svaml/svaml.validator';

const room = (over: Partial<DialInRoom> = {}): DialInRoom => ({
  id: '3f1c2a9e-0000-4000-8000-000000000001',
  sinchConferenceId: 'room-1',
  participantPin: '1234',
  moderatorPin: '9999',
  musicOnHold: 'music2',
  maxParticipants: 3,
  openFrom: null,
  openUntil: null,
  locked: false,
  ...over,
});

describe('conference dial-in', () => {
  it('the PIN decides the role; a wrong PIN gives none; # joins as a participant only when no participant PIN is set', () => {
    expect(roleForPin(room(), '9999')).toBe('moderator');
    expect(roleForPin(room(), '1234')).toBe('participant');
    expect(roleForPin(room(), '1111')).toBeUndefined();
    expect(roleForPin(room(), '')).toBeUndefined();
    expect(roleForPin(room({ participantPin: null }), '')).toBe('participant');
  });

  it('the PIN menu is valid SVAML for an ICE and a PIE, and its PIE names the room and the try', () => {
    const doc = pinMenu(room(), 2);
    expect(() => assertValidSvaml(doc, 'ice')).not.toThrow();
    expect(() => assertValidSvaml(doc, 'pie')).not.toThrow();
    expect(pinEntry({ type: 'sequence', value: '1234', menuId: `cf:${room().id}:2` })).toEqual({ roomId: room().id, attempt: 2, pin: '1234' });
    expect(pinEntry({ type: 'timeout', value: '', menuId: `cf:${room().id}:1` })).toEqual({ roomId: room().id, attempt: 1 });
    expect(pinEntry({ type: 'return', value: 'nr:+461:r:main:1', menuId: 'main' })).toBeUndefined();
  });

  it('a locked room refuses participants but not moderators; a full or closed room refuses everyone', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    expect(admission(room({ locked: true }), 0, 'participant', at)).toEqual({ ok: false, message: MESSAGES.locked });
    expect(admission(room({ locked: true }), 0, 'moderator', at)).toEqual({ ok: true });
    expect(admission(room(), 3, 'moderator', at)).toEqual({ ok: false, message: MESSAGES.full });
    expect(admission(room({ openFrom: new Date('2026-12-01T11:00:00Z') }), 0, 'participant', at)).toEqual({ ok: false, message: MESSAGES.closed });
    expect(admission(room({ openUntil: at }), 0, 'participant', at)).toEqual({ ok: false, message: MESSAGES.closed });
  });
});
