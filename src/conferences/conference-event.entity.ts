import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// A session's timeline, append-only: joins, leaves with their reason, and every moderation action with the API
// key that did it (null: the room's own rules, e.g. wait for a moderator).
@Entity('conference_events')
@Index('ix_conference_events_session', ['sessionId', 'at'])
export class ConferenceEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_conference_events' })
  id: string;

  @Column({ type: 'uuid' })
  roomId: string;

  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  participantId: string | null;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
