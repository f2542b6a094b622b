import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CallbackSettings, OverflowAction } from './queue-settings';

// An inbound queue: what a caller hears while parked, the wait limits with what happens past them, and the
// service-level and agent settings distribution uses.
@Entity('queues')
@Index('uq_queues_name', ['name'], { unique: true })
@Check('ck_queues_no_answer_status', `"no_answer_status" IN ('away', 'available')`)
export class Queue {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_queues' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  // Played once when the caller is parked (TTS text).
  @Column({ type: 'text', nullable: true })
  greeting: string | null;

  // Played on repeat while the caller waits: TTS text, or a media URL (music).
  @Column({ type: 'text' })
  holdPrompt: string;

  @Column({ type: 'text', nullable: true })
  locale: string | null;

  @Column({ type: 'boolean', default: false })
  announcePosition: boolean;

  // Position / expected-wait announcements every N seconds (each is a re-park); null: only when re-parking anyway.
  @Column({ type: 'integer', nullable: true })
  announceEveryS: number | null;

  @Column({ type: 'integer', nullable: true })
  maxWaiting: number | null;

  @Column({ type: 'integer', nullable: true })
  maxWaitS: number | null;

  @Column({ type: 'jsonb', nullable: true })
  overflowWhenFull: OverflowAction | null;

  @Column({ type: 'jsonb', nullable: true })
  overflowAfterWait: OverflowAction | null;

  // Service level: `serviceLevelPercent` % of callers answered within `serviceLevelS` seconds.
  @Column({ type: 'integer', default: 20 })
  serviceLevelS: number;

  @Column({ type: 'integer', default: 80 })
  serviceLevelPercent: number;

  @Column({ type: 'integer', default: 0 })
  wrapUpS: number;

  @Column({ type: 'integer', default: 20 })
  agentAnswerTimeoutS: number;

  // The status an agent who does not answer an offer gets.
  @Column({ type: 'text', default: 'away' })
  noAnswerStatus: 'away' | 'available';

  // Callback instead of waiting (null: not offered).
  @Column({ type: 'jsonb', nullable: true })
  callback: CallbackSettings | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
