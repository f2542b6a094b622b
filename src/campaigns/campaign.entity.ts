import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DialDecision } from './dialer/dial-level';
import type { Dialing } from './dialer/dial-mode';
import type { CallingWindow } from './scheduling/calling-window';
import type { RetryPolicy } from './scheduling/retry-policy';

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const IVR_ACTIONS = ['confirm', 'opt_out', 'agent'] as const;
export type IvrAction = (typeof IVR_ACTIONS)[number];

export interface IvrOption {
  digit: string;
  action: IvrAction;
}

// What the callee hears. A TTS message is read and the call ends; an IVR menu reads its prompt and acts on a key:
// confirm (thanks and goodbye), opt_out (the number goes on this campaign's do-not-call list) or agent (the call
// is handed to the inbound queue agentQueueId, or connected to transferNumber).
export type CampaignMessage =
  | { type: 'tts'; text: string }
  | {
      type: 'ivr';
      prompt: string;
      options: IvrOption[];
      transferNumber?: string;
      // "agent" parks the callee in this inbound queue (before transferNumber).
      agentQueueId?: string;
      // Where an opt-out goes: the global list (default: the organisation stops calling) or this campaign's.
      optOutScope?: 'global' | 'campaign';
      confirmText?: string;
      optOutText?: string;
    };

export const MACHINE_ACTIONS = ['message', 'hangup'] as const;
export type MachineAction = (typeof MACHINE_ACTIONS)[number];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// An outbound campaign: who calls (caller ids), what is said, when (calling window in each callee's zone), how fast
// (pacing), how often (retry policy) and for how much (spend cap). Settings change only while it is not running.
@Entity('campaigns')
@Check('ck_campaigns_status', `"status" IN (${list(CAMPAIGN_STATUSES)})`)
@Check('ck_campaigns_machine_action', `"machine_action" IN (${list(MACHINE_ACTIONS)})`)
@Check('ck_campaigns_pacing', '"calls_per_second" > 0 AND "max_concurrent" > 0')
@Check('ck_campaigns_spend_cap', '("spend_cap_amount" IS NULL) = ("spend_cap_currency" IS NULL)')
@Index('ix_campaigns_created', ['createdAt', 'id'])
@Index('ix_campaigns_active', ['status'], { where: `"status" IN ('running', 'paused')` })
export class Campaign {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_campaigns' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: 'draft' })
  status: CampaignStatus;

  // Why it is paused or completed when the service did it (spend cap, end time, nothing left to call).
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  // One caller id, or a list used in rotation; empty when the campaign uses a caller-id pool.
  @Column({ type: 'text', array: true })
  callerIds: string[];

  // A caller-id pool's name (`cli: { pool }`): each call shows a local number of it (numbers feature).
  @Column({ type: 'text', nullable: true })
  callerIdPool: string | null;

  @Column({ type: 'text', default: 'en-US' })
  locale: string;

  @Column({ type: 'jsonb' })
  message: CampaignMessage;

  @Column({ type: 'text', default: 'hangup' })
  machineAction: MachineAction;

  // Left on an answering machine when machineAction is `message`; the TTS text (or IVR prompt) when null.
  @Column({ type: 'text', nullable: true })
  machineMessage: string | null;

  @Column({ type: 'jsonb' })
  callingWindow: CallingWindow;

  // For numbers whose country spans several zones (or has none) and that came without a zone of their own.
  @Column({ type: 'text' })
  defaultTimeZone: string;

  @Column({ type: 'numeric', precision: 10, scale: 3, transformer: { to: (v: number) => v, from: (v: string | null) => (v === null ? v : Number(v)) } })
  callsPerSecond: number;

  @Column({ type: 'integer' })
  maxConcurrent: number;

  @Column({ type: 'jsonb' })
  retryPolicy: RetryPolicy;

  @Column({ type: 'numeric', precision: 18, scale: 6, nullable: true })
  spendCapAmount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  spendCapCurrency: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  startAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endAt: Date | null;

  // The dialer's schedule: the next free moment to dial (see scheduling/pacing.ts); null after a start or resume.
  @Column({ type: 'timestamptz', nullable: true })
  nextDialAt: Date | null;

  // Calls handed out so far: picks the next caller id of the pool in rotation.
  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  dialSequence: number;

  // What its calls cost so far in the spend cap's currency (DiCE debits, added once per settled attempt).
  @Column({ type: 'numeric', precision: 18, scale: 6, default: 0 })
  spentAmount: string;

  // Dial mode and its settings (src/campaigns/dialer/dial-mode.ts); always written by the service (AGENTLESS when
  // not given). No column default: Postgres re-spells a jsonb literal, which the schema check would see as a change.
  @Column({ type: 'jsonb' })
  dialing: Dialing;

  // The predictive dialer's last decision: its level, inputs and why it changed; null until it first decides.
  @Column({ type: 'jsonb', nullable: true })
  dialDecision: DialDecision | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
