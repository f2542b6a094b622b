import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

// One settled dial of a campaign contact: the call, what it came to for the campaign (answered, busy, machine,
// opted out...) and what was decided. The primary key is the call id, so an attempt is settled exactly once even
// when a DiCE, the reconciler and the dialer's sweep all report the same call.
@Entity('campaign_attempts')
@Index('ix_campaign_attempts_campaign', ['campaignId', 'settledAt'])
export class CampaignAttempt {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_campaign_attempts' })
  callId: string;

  @Column({ type: 'uuid' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_campaign_attempts_campaign' })
  campaign?: Campaign;

  @Column({ type: 'uuid' })
  contactId: string;

  // 1 for the first dial of the contact.
  @Column({ type: 'integer' })
  attempt: number;

  // AttemptOutcome (scheduling/retry-policy.ts).
  @Column({ type: 'text' })
  outcome: string;

  // The contact's status after this attempt (pending = a retry was scheduled).
  @Column({ type: 'text' })
  contactStatus: string;

  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  settledAt: Date;
}
