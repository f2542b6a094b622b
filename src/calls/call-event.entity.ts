import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const CALL_EVENT_KINDS = ['ice', 'ace', 'dice', 'pie', 'notify', 'reconciled'] as const;
export type CallEventKind = (typeof CALL_EVENT_KINDS)[number];

export const CALL_EVENT_VIA = ['webhook', 'redis', 'reconciler'] as const;
export type CallEventVia = (typeof CALL_EVENT_VIA)[number];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// The webhook inbox and each call's timeline: every accepted Sinch callback, once (dedupe_key), with its raw body.
// `reconciled` rows record the answer of GET /calls/id/{callId} that finalised a call without a DiCE.
@Entity('call_events')
@Check('ck_call_events_kind', `"kind" IN (${list(CALL_EVENT_KINDS)})`)
@Check('ck_call_events_via', `"via" IN (${list(CALL_EVENT_VIA)})`)
@Index('ix_call_events_call', ['callId', 'receivedAt'])
@Index('ix_call_events_sinch_call', ['sinchCallId', 'receivedAt'])
// Follow-ups (DiCE / Notify handlers) still to run; the sweeper retries these.
@Index('ix_call_events_pending', ['receivedAt'], { where: '"processed_at" IS NULL' })
export class CallEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_call_events' })
  id: string;

  @Index('uq_call_events_dedupe_key', { unique: true })
  @Column({ type: 'text' })
  dedupeKey: string;

  @Column({ type: 'text', nullable: true })
  sinchCallId: string | null;

  // Our calls.id when the event could be matched (Sinch call id, or our id in `custom`).
  @Column({ type: 'uuid', nullable: true })
  callId: string | null;

  @Column({ type: 'text' })
  kind: CallEventKind;

  // Sinch's own `timestamp` (UTC), when the body has one.
  @Column({ type: 'timestamptz', nullable: true })
  eventAt: Date | null;

  @Column({ type: 'timestamptz' })
  receivedAt: Date;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  // How it reached Postgres: directly, through the Redis fallback while Postgres was down, or from the reconciler.
  @Column({ type: 'text', default: 'webhook' })
  via: CallEventVia;

  // When the registered follow-ups finished; null while they are still due.
  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  followUpAttempts: number;
}
