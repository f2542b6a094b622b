import type { MenuResult } from 'src/sinch/callback-events';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { MusicOnHold, Svaml } from 'src/sinch/svaml/svaml.types';
import type { ConferenceRole } from './conference-participant.entity';

// Dial-in, pure: the PIN menu, what a PIN means, and what a caller hears. Answers come from memory (the room
// cache and the room's presence), so nothing here queries.

export const PIN_TRIES = 3;
// Our PIN menus' ids carry the room and the try, so any api process can answer the PIE: "cf:<roomId>:<try>".
const MENU_PREFIX = 'cf:';

export interface DialInRoom {
  id: string;
  sinchConferenceId: string;
  participantPin: string | null;
  moderatorPin: string | null;
  musicOnHold: MusicOnHold;
  maxParticipants: number;
  openFrom: Date | null;
  openUntil: Date | null;
  locked: boolean;
}

export const MESSAGES = {
  enterPin: 'Welcome. Please enter your conference PIN, then press the hash key.',
  enterPinOrHash: 'Welcome. Moderators, please enter your PIN, then press the hash key. Participants, press the hash key.',
  wrongPin: 'That PIN is not valid. Please try again.',
  goodbye: 'Sorry, that PIN is not valid. Goodbye.',
  locked: 'This conference is locked. Please contact the organiser. Goodbye.',
  full: 'This conference is full. Please try again later. Goodbye.',
  closed: 'This conference is not open at this time. Goodbye.',
} as const;

export function needsPin(room: DialInRoom): boolean {
  return room.participantPin !== null || room.moderatorPin !== null;
}

// The role a PIN gives; undefined when it gives none. With only a moderator PIN set, an empty entry (#) joins as
// a participant.
export function roleForPin(room: DialInRoom, pin: string): ConferenceRole | undefined {
  if (room.moderatorPin !== null && pin === room.moderatorPin) return 'moderator';
  if (room.participantPin !== null && pin === room.participantPin) return 'participant';
  if (room.participantPin === null && pin === '') return 'participant';
  return undefined;
}

export function pinMenu(room: DialInRoom, attempt: number): Svaml {
  const text = attempt > 1 ? `${MESSAGES.wrongPin} ${promptFor(room)}` : promptFor(room);
  const prompt = `#tts[${text}]`;
  const id = `${MENU_PREFIX}${room.id}:${attempt}`;
  const menu = { mainPrompt: prompt, repeatPrompt: prompt, repeats: 0, maxDigits: 12, timeoutMills: 10_000, options: [] };
  // Sinch wants a menu named "main"; ours starts at the one whose id names the room and the try (the PIE's menuId).
  return buildSvaml(
    svaml.runMenu(
      [
        { id: 'main', ...menu },
        { id, ...menu },
      ],
      { barge: true, mainMenu: id },
    ),
  );
}

function promptFor(room: DialInRoom): string {
  return room.participantPin === null ? MESSAGES.enterPinOrHash : MESSAGES.enterPin;
}

export interface PinEntry {
  roomId: string;
  attempt: number;
  // undefined: no entry (timeout) or a menu error.
  pin?: string;
}

// The PIN entered in one of our menus; undefined for anyone else's PIE.
export function pinEntry(result: MenuResult): PinEntry | undefined {
  if (!result.menuId?.startsWith(MENU_PREFIX)) return undefined;
  const [roomId, attemptText] = result.menuId.slice(MENU_PREFIX.length).split(':');
  const attempt = Number(attemptText);
  if (!roomId || !Number.isInteger(attempt) || attempt < 1) return undefined;
  if (result.type === 'sequence' || result.type === 'return') return { roomId, attempt, pin: result.value ?? '' };
  return { roomId, attempt };
}

export type Admission = { ok: true } | { ok: false; message: string };

// Whether a new joiner of this role may come in now. A locked room still admits moderators (they unlock it);
// a full room admits nobody.
export function admission(room: DialInRoom, present: number, role: ConferenceRole, at: Date): Admission {
  if ((room.openFrom && at < room.openFrom) || (room.openUntil && at >= room.openUntil)) return { ok: false, message: MESSAGES.closed };
  if (room.locked && role !== 'moderator') return { ok: false, message: MESSAGES.locked };
  if (present >= room.maxParticipants) return { ok: false, message: MESSAGES.full };
  return { ok: true };
}

export function refusal(message: string): Svaml {
  return buildSvaml(svaml.hangup(), svaml.say(message));
}

export function joinSvaml(room: DialInRoom): Svaml {
  return buildSvaml(svaml.connectConf(room.sinchConferenceId, { moh: room.musicOnHold }));
}
