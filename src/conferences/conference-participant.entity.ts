import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const CONFERENCE_ROLES = ['participant', 'moderator'] as const;
export type ConferenceRole = (typeof CONFERENCE_ROLES)[number];

// One leg in one session: dialled out (our call id from the start) or dialled in (the Sinch call id from the PIE).
// Muted / on hold are what we last told Sinch; the live view checks them against Sinch's conference info.
@Entity('conference_participants')
@Index('ix_conference_participants_session', ['sessionId', 'joinedAt'])
@Index('ix_conference_participants_room_open', ['roomId'], { where: '"left_at" IS NULL' })
@Index('uq_conference_participants_sinch_call', ['sinchCallId'], { unique: true })
@Index('ix_conference_participants_call', ['callId'])
export class ConferenceParticipant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_conference_participants' })
  id: string;

  @Column({ type: 'uuid' })
  roomId: string;

  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  // Our calls.id (dial-out from the start; dial-in once known).
  @Column({ type: 'uuid', nullable: true })
  callId: string | null;

  @Column({ type: 'text', nullable: true })
  sinchCallId: string | null;

  @Column({ type: 'text', nullable: true })
  number: string | null;

  @Column({ type: 'text' })
  role: ConferenceRole;

  @Column({ type: 'text' })
  direction: 'in' | 'out';

  @Column({ type: 'timestamptz', nullable: true })
  joinedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  leftAt: Date | null;

  // kicked, ended, hung_up, not_answered, left (Sinch stopped reporting it), or Sinch's DiCE reason.
  @Column({ type: 'text', nullable: true })
  leaveReason: string | null;

  @Column({ type: 'boolean', default: false })
  muted: boolean;

  @Column({ type: 'boolean', default: false })
  onHold: boolean;

  // Held by the room (wait for a moderator), not by a moderator: resumed when one joins.
  @Column({ type: 'boolean', default: false })
  heldForModerator: boolean;

  @Column({ type: 'integer', nullable: true })
  durationS: number | null;

  @Column({ type: 'numeric', precision: 18, scale: 6, nullable: true })
  debitAmount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  debitCurrency: string | null;
}
