export type ParticipantCommand = 'mute' | 'unmute' | 'onhold' | 'resume';
export const PARTICIPANT_COMMANDS: readonly ParticipantCommand[] = ['mute', 'unmute', 'onhold', 'resume'];

interface Participant {
  callId: string;
  cli: string;
  joinedAt: Date;
  joinedAtSimMs: number;
  // The participant call's own simulated clock, so durations follow the time scale.
  clock: () => number;
  muted: boolean;
  onhold: boolean;
  moh?: string;
}

interface PastParticipant {
  callId: string;
  cli: string;
  joinedAt: string;
  leftAt: string;
  durationS: number;
}

interface Room {
  id: string;
  createdAt: Date;
  participants: Map<string, Participant>;
  past: PastParticipant[];
}

export interface JoinRequest {
  callId: string;
  cli: string;
  moh?: string;
  clock: () => number;
}

// Sinch documents no default hold music; the simulator plays its ring tone.
const DEFAULT_MOH = 'ring';

const seconds = (p: Participant): number => Math.max(0, Math.round((p.clock() - p.joinedAtSimMs) / 1000));

// Rooms exist while someone is in them (the REST API answers 404 otherwise); the simulator keeps the history
// of every room for /_sim/conferences.
export class ConferenceRooms {
  private readonly rooms = new Map<string, Room>();
  private readonly roomByCall = new Map<string, string>();

  join(conferenceId: string, request: JoinRequest): void {
    this.leave(request.callId);
    let room = this.rooms.get(conferenceId);
    if (!room) {
      room = { id: conferenceId, createdAt: new Date(), participants: new Map(), past: [] };
      this.rooms.set(conferenceId, room);
    }
    room.participants.set(request.callId, {
      callId: request.callId,
      cli: request.cli,
      joinedAt: new Date(),
      joinedAtSimMs: request.clock(),
      clock: request.clock,
      muted: false,
      onhold: false,
      moh: request.moh,
    });
    this.roomByCall.set(request.callId, conferenceId);
  }

  leave(callId: string): string | undefined {
    const conferenceId = this.roomByCall.get(callId);
    if (conferenceId === undefined) return undefined;
    this.roomByCall.delete(callId);
    const room = this.rooms.get(conferenceId);
    const p = room?.participants.get(callId);
    if (room && p) {
      room.participants.delete(callId);
      room.past.push({
        callId,
        cli: p.cli,
        joinedAt: p.joinedAt.toISOString(),
        leftAt: new Date().toISOString(),
        durationS: seconds(p),
      });
    }
    return conferenceId;
  }

  isActive(conferenceId: string): boolean {
    return (this.rooms.get(conferenceId)?.participants.size ?? 0) > 0;
  }

  participantIds(conferenceId: string): string[] {
    return [...(this.rooms.get(conferenceId)?.participants.keys() ?? [])];
  }

  has(conferenceId: string, callId: string): boolean {
    return this.rooms.get(conferenceId)?.participants.has(callId) ?? false;
  }

  command(conferenceId: string, callId: string, command: ParticipantCommand, moh?: string): boolean {
    const p = this.rooms.get(conferenceId)?.participants.get(callId);
    if (!p) return false;
    if (command === 'mute') p.muted = true;
    if (command === 'unmute') p.muted = false;
    if (command === 'onhold') {
      p.onhold = true;
      p.moh = moh ?? p.moh;
    }
    if (command === 'resume') p.onhold = false;
    return true;
  }

  // GET /calling/v1/conferences/id/{conferenceId}
  apiView(conferenceId: string): { participants: object[] } {
    const room = this.rooms.get(conferenceId);
    const participants = [...(room?.participants.values() ?? [])].map((p) => ({
      cli: p.cli,
      id: p.callId,
      duration: seconds(p),
      muted: p.muted,
      onhold: p.onhold,
    }));
    return { participants };
  }

  simView(): object[] {
    return [...this.rooms.values()].map((room) => ({
      conferenceId: room.id,
      createdAt: room.createdAt.toISOString(),
      active: room.participants.size > 0,
      participants: [...room.participants.values()].map((p) => ({
        callId: p.callId,
        cli: p.cli,
        joinedAt: p.joinedAt.toISOString(),
        durationS: seconds(p),
        muted: p.muted,
        onhold: p.onhold,
        moh: p.moh,
        // What the leg hears: the room, or (held) the music of its last onhold / connectConf / mohClass.
        hears: p.onhold ? (p.moh ?? DEFAULT_MOH) : 'conference',
      })),
      past: room.past,
    }));
  }

  clear(): void {
    this.rooms.clear();
    this.roomByCall.clear();
  }
}
