import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Campaign } from './campaign.entity';
import { TIME_ZONE_SOURCES, type TimeZoneSource } from './scheduling/time-zones';

export const CONTACT_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'exhausted', 'dnc', 'skipped'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export const FINAL_CONTACT_STATUSES: readonly ContactStatus[] = ['completed', 'failed', 'exhausted', 'dnc', 'skipped'];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// One number to reach in one campaign (a number appears once per campaign: imports merge duplicates).
// pending → in_progress (a call is out) → pending again (retry) or a final status.
@Entity('campaign_contacts')
@Check('ck_campaign_contacts_status', `"status" IN (${list(CONTACT_STATUSES)})`)
@Check('ck_campaign_contacts_time_zone_source', `"time_zone_source" IN (${list(TIME_ZONE_SOURCES)})`)
@Index('uq_campaign_contacts_phone', ['campaignId', 'phone'], { unique: true })
// The dialer's claim: due pending contacts of a campaign, by zone (only zones whose window is open are asked for).
@Index('ix_campaign_contacts_due', ['campaignId', 'timeZone', 'nextAttemptAt'], { where: `"status" = 'pending'` })
@Index('ix_campaign_contacts_in_progress', ['campaignId'], { where: `"status" = 'in_progress'` })
export class CampaignContact {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_campaign_contacts' })
  id: string;

  @Column({ type: 'uuid' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_campaign_contacts_campaign' })
  campaign?: Campaign;

  // E.164.
  @Column({ type: 'text' })
  phone: string;

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  @Column({ type: 'text' })
  timeZone: string;

  // contact: given at import; country: the number's country has one zone; campaign_default: it did not say.
  @Column({ type: 'text' })
  timeZoneSource: TimeZoneSource;

  // The contact's own data, usable in the message as {{name}}.
  @Column({ type: 'jsonb', default: {} })
  attributes: Record<string, string | number | boolean | null>;

  @Column({ type: 'text', default: 'pending' })
  status: ContactStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  // The last attempt's outcome (answered, busy, no_answer, failed, machine, opted_out, abandoned) or why it was not called.
  @Column({ type: 'text', nullable: true })
  lastResult: string | null;

  // The call of the latest attempt (the one in flight while in_progress).
  @Column({ type: 'uuid', nullable: true })
  lastCallId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
