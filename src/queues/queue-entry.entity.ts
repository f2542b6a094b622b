import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Queue } from './queue.entity';

// waiting: parked, in line. offered: an agent's leg is ringing for this caller. connected: with the agent.
// completed: the talk ended. abandoned: the caller hung up while waiting or offered. removed: a supervisor took
// the caller out. overflowed: a wait limit sent the caller elsewhere. failed: the call was gone when we acted (or a
// callback expired, was refused or not answered). callback_requested: the caller pressed the callback key and hung up,
// keeping their place. calling_back: their callback call rings (answered, the entry is waiting again, in its room).
export const ENTRY_STATES = [
  'waiting',
  'offered',
  'connected',
  'completed',
  'abandoned',
  'removed',
  'overflowed',
  'failed',
  'callback_requested',
  'calling_back',
] as const;
export type EntryState = (typeof ENTRY_STATES)[number];
export const LIVE_STATES: readonly EntryState[] = ['waiting', 'offered'];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// One caller's stay in a queue. `enqueuedAt` is kept when a supervisor moves the caller, so the wait counts on.
@Entity('queue_entries')
@Index('uq_queue_entries_sinch_call', ['sinchCallId'], { unique: true })
@Index('ix_queue_entries_queue_state', ['queueId', 'state', 'priority', 'enqueuedAt'])
@Index('ix_queue_entries_state_parked', ['state', 'parkedAt'])
@Index('ix_queue_entries_enqueued', ['enqueuedAt'])
@Index('ix_queue_entries_overflowed_from', ['overflowedFrom', 'enqueuedAt'])
@Index('ix_queue_entries_campaign', ['campaignId', 'enqueuedAt'], { where: '"campaign_id" IS NOT NULL' })
@Index('ix_queue_entries_give_up', ['enqueuedAt'], { where: `"give_up_after_ms" IS NOT NULL AND "state" IN ('waiting', 'offered')` })
@Check('ck_queue_entries_state', `"state" IN (${list(ENTRY_STATES)})`)
export class QueueEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_queue_entries' })
  id: string;

  @Column({ type: 'uuid' })
  queueId: string;

  @ManyToOne(() => Queue, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'fk_queue_entries_queue' })
  queue?: Queue;

  @Column({ type: 'text' })
  sinchCallId: string;

  @Column({ type: 'text', nullable: true })
  fromNumber: string | null;

  @Column({ type: 'text', nullable: true })
  dialled: string | null;

  // How the caller came: "number" (a number's route), "menu", "moved".
  @Column({ type: 'text' })
  entryRoute: string;

  // The queue a wait limit sent this caller on from (it counts there as offered and overflowed).
  @Column({ type: 'uuid', nullable: true })
  overflowedFrom: string | null;

  // The number a wait-limit overflow forwarded the caller to (rung like an agent); counted as overflowed.
  @Column({ type: 'text', nullable: true })
  forwardedTo: string | null;

  // Higher first.
  @Column({ type: 'integer', default: 0 })
  priority: number;

  @Column({ type: 'text', default: 'waiting' })
  state: EntryState;

  @Column({ type: 'timestamptz' })
  enqueuedAt: Date;

  // The last park or re-park: the next is due before Sinch's park limit runs out from here.
  @Column({ type: 'timestamptz' })
  parkedAt: Date;

  @Column({ type: 'integer', default: 1 })
  parks: number;

  @Column({ type: 'uuid', nullable: true })
  agentId: string | null;

  // Our calls.id of the agent's leg while offered / connected.
  @Column({ type: 'uuid', nullable: true })
  agentCallId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  offeredAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  // Milliseconds from enqueuedAt to the answer, the abandon, the removal or the overflow.
  @Column({ type: 'integer', nullable: true })
  waitMs: number | null;

  @Column({ type: 'text', nullable: true })
  endReason: string | null;

  // An outbound campaign's callee bridged to an agent (entryRoute "campaign_bridge"): the campaign, what the agent hears
  // on answering (the contact's attributes) and what the event stream carries.
  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'text', nullable: true })
  whisper: string | null;

  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  // A per-entry wait limit (a campaign's connect delay): past it, still waiting, the caller hears giveUpText and
  // the call ends (end_reason no_agent).
  @Column({ type: 'integer', nullable: true })
  giveUpAfterMs: number | null;

  @Column({ type: 'text', nullable: true })
  giveUpText: string | null;

  // Callback instead of waiting: when the key was offered, pressed, the callback placed (our calls.id) and answered.
  @Column({ type: 'timestamptz', nullable: true })
  callbackOfferedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  callbackRequestedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  callbackCallId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  callbackAnsweredAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
