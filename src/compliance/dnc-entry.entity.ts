import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const DNC_SOURCES = ['api', 'opt_out', 'import'] as const;
export type DncSource = (typeof DNC_SOURCES)[number];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// A number that must not be called: globally (campaign_id null) or by one campaign. Who added it, when, why and
// until when are kept; every change is also written to dnc_audit.
@Entity('dnc_entries')
@Check('ck_dnc_entries_source', `"source" IN (${list(DNC_SOURCES)})`)
@Index('uq_dnc_entries_global_phone', ['phone'], { unique: true, where: '"campaign_id" IS NULL' })
@Index('uq_dnc_entries_campaign_phone', ['campaignId', 'phone'], { unique: true, where: '"campaign_id" IS NOT NULL' })
@Index('ix_dnc_entries_created', ['createdAt', 'id'])
export class DncEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_dnc_entries' })
  id: string;

  // E.164.
  @Column({ type: 'text' })
  phone: string;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  // By entity name, not class: compliance sits below campaigns and must not import them. The foreign key makes
  // adding to an unknown campaign's list fail, and a deleted campaign's list go with it.
  @ManyToOne('Campaign', { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_dnc_entries_campaign' })
  campaign?: object | null;

  @Column({ type: 'text' })
  source: DncSource;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  // The API key that added it, or a description of the actor (`callee <call id>` for an IVR opt-out).
  @Column({ type: 'text' })
  addedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  // After this the entry no longer blocks calls (kept for the record); null = never expires.
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
