import type { ConferenceParticipant } from 'src/conferences/conference-participant.entity';
import type { ConferenceRoom } from 'src/conferences/conference-room.entity';

export interface ConferenceRoomResponse {
  id: string;
  name: string;
  sinchConferenceId: string;
  // PINs are never shown (reporting keys read rooms too): only whether each is set.
  participantPinSet: boolean;
  moderatorPinSet: boolean;
  musicOnHold: string;
  maxParticipants: number;
  joinMuted: boolean;
  waitForModerator: boolean;
  endWhenModeratorLeaves: boolean;
  openFrom: string | null;
  openUntil: string | null;
  locked: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ParticipantResponse {
  id: string;
  callId: string | null;
  sinchCallId: string | null;
  number: string | null;
  role: string;
  direction: string;
  state: 'ringing' | 'joined' | 'left';
  joinedAt: string | null;
  leftAt: string | null;
  leaveReason: string | null;
  muted: boolean;
  onHold: boolean;
  heldForModerator: boolean;
  talkingTimeS: number | null;
}

export function toRoomResponse(r: ConferenceRoom): ConferenceRoomResponse {
  return {
    id: r.id,
    name: r.name,
    sinchConferenceId: r.sinchConferenceId,
    participantPinSet: r.participantPin !== null,
    moderatorPinSet: r.moderatorPin !== null,
    musicOnHold: r.musicOnHold,
    maxParticipants: r.maxParticipants,
    joinMuted: r.joinMuted,
    waitForModerator: r.waitForModerator,
    endWhenModeratorLeaves: r.endWhenModeratorLeaves,
    openFrom: r.openFrom?.toISOString() ?? null,
    openUntil: r.openUntil?.toISOString() ?? null,
    locked: r.locked,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

// `talkingS`: Sinch's own figure for a leg in the room, when it gave one.
export function toParticipantResponse(p: ConferenceParticipant, now: Date, talkingS?: number): ParticipantResponse {
  const state = p.leftAt ? 'left' : p.joinedAt ? 'joined' : 'ringing';
  const ownTalk = p.joinedAt ? Math.max(0, Math.round(((p.leftAt ?? now).getTime() - p.joinedAt.getTime()) / 1000)) : null;
  return {
    id: p.id,
    callId: p.callId,
    sinchCallId: p.sinchCallId,
    number: p.number,
    role: p.role,
    direction: p.direction,
    state,
    joinedAt: p.joinedAt?.toISOString() ?? null,
    leftAt: p.leftAt?.toISOString() ?? null,
    leaveReason: p.leaveReason,
    muted: p.muted,
    onHold: p.onHold,
    heldForModerator: p.heldForModerator,
    talkingTimeS: state === 'left' ? (p.durationS ?? ownTalk) : (talkingS ?? ownTalk),
  };
}
