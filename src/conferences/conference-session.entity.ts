import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// One occurrence of a room: from its first join to its last leave (or an end). At most one open per room.
@Entity('conference_sessions')
@Index('uq_conference_sessions_open', ['roomId'], { unique: true, where: '"ended_at" IS NULL' })
@Index('ix_conference_sessions_room', ['roomId', 'startedAt'])
export class ConferenceSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_conference_sessions' })
  id: string;

  @Column({ type: 'uuid' })
  roomId: string;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  peakParticipants: number;
}
