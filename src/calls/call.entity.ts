import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CALL_DIRECTIONS = ['outbound', 'inbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_KINDS = ['tts', 'conference', 'custom', 'inbound'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export const CALL_STATES = ['queued', 'initiated', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed', 'cancelled'] as const;
export type CallState = (typeof CALL_STATES)[number];
export const FINAL_CALL_STATES: readonly CallState[] = ['completed', 'busy', 'no_answer', 'failed', 'cancelled'];

export type FinalSource = 'dice' | 'reconciled';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// One row per call leg we know of: outbound legs we placed and inbound legs we received. It is the call log and
// the billing record (debit and rate as numeric with their currency, exactly as Sinch reported them).
@Entity('calls')
@Check('ck_calls_direction', `"direction" IN (${list(CALL_DIRECTIONS)})`)
@Check('ck_calls_kind', `"kind" IN (${list(CALL_KINDS)})`)
@Check('ck_calls_state', `"state" IN (${list(CALL_STATES)})`)
@Index('ix_calls_created', ['createdAt', 'id'])
@Index('ix_calls_state_created', ['state', 'createdAt'])
@Index('ix_calls_campaign', ['campaignId', 'createdAt'], { where: '"campaign_id" IS NOT NULL' })
@Index('ix_calls_to_number', ['toNumber', 'createdAt'])
@Index('ix_calls_from_number', ['fromNumber', 'createdAt'])
@Index('ix_calls_result_created', ['result', 'createdAt', 'id'], { where: '"result" IS NOT NULL' })
@Index('ix_calls_direction_created', ['direction', 'createdAt', 'id'])
// The reconciler's candidates: calls Sinch knows of that have no final word from it yet.
@Index('ix_calls_unreconciled', ['createdAt'], { where: '"final_source" IS NULL AND "sinch_call_id" IS NOT NULL' })
// Campaign stats: a campaign's calls still in flight (finished ones are in call_rollups) and its placing rate.
@Index('ix_calls_campaign_open', ['campaignId'], { where: `"campaign_id" IS NOT NULL AND "state" NOT IN (${list(FINAL_CALL_STATES)})` })
@Index('ix_calls_campaign_initiated', ['campaignId', 'initiatedAt'], { where: '"campaign_id" IS NOT NULL AND "initiated_at" IS NOT NULL' })
export class Call {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_calls' })
  id: string;

  @Index('uq_calls_sinch_call_id', { unique: true, where: '"sinch_call_id" IS NOT NULL' })
  @Column({ type: 'text', nullable: true })
  sinchCallId: string | null;

  @Column({ type: 'text' })
  direction: CallDirection;

  @Column({ type: 'text' })
  kind: CallKind;

  @Column({ type: 'text', default: 'queued' })
  state: CallState;

  @Column({ type: 'text', nullable: true })
  fromNumber: string | null;

  @Column({ type: 'text', nullable: true })
  toNumber: string | null;

  // ISO 3166 alpha-2 of the destination (outbound) or caller (inbound), derived from the number.
  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  // Sinch's domain of the leg: pstn, mxp, sip, conference...
  @Column({ type: 'text', nullable: true })
  domain: string | null;

  @Column({ type: 'text', nullable: true })
  result: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  initiatedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  durationS: number | null;

  // numeric, never float: amounts are strings in TypeScript so no arithmetic rounds them.
  @Column({ type: 'numeric', precision: 18, scale: 6, nullable: true })
  debitAmount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  debitCurrency: string | null;

  @Column({ type: 'numeric', precision: 18, scale: 6, nullable: true })
  rateAmount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  rateCurrency: string | null;

  // The `custom` string sent to / received from Sinch; ours carries our call id so a DiCE always finds its row.
  @Column({ type: 'text', nullable: true })
  custom: string | null;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'uuid', nullable: true })
  contactId: string | null;

  @Column({ type: 'uuid', nullable: true })
  queueId: string | null;

  @Column({ type: 'text', nullable: true })
  conferenceId: string | null;

  // Inbound calls: the route our number took at ICE time ("menu", "forward", "after_hours:message"; null: default answer).
  @Column({ type: 'text', nullable: true })
  inboundRoute: string | null;

  // How the final state was learned: from the DiCE callback or by asking Sinch (reconciler).
  @Column({ type: 'text', nullable: true })
  finalSource: FinalSource | null;

  // What to dial (the callout request as the callouts feature built it); the processor reloads it from here.
  @Column({ type: 'jsonb', nullable: true })
  request: Record<string, unknown> | null;

  @Column({ type: 'integer', default: 0 })
  dialAttempts: number;

  // Set just before the callout request leaves: a recovered job that finds it set must not dial again.
  @Column({ type: 'timestamptz', nullable: true })
  dialStartedAt: Date | null;

  // The last Sinch error (errorCode and message) when placing or managing the call failed.
  @Column({ type: 'integer', nullable: true })
  errorCode: number | null;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  // When the reconciler last asked Sinch about this call and found it still going.
  @Column({ type: 'timestamptz', nullable: true })
  reconcileCheckedAt: Date | null;
}
