import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DNC_SOURCES, type DncSource } from './dnc-entry.entity';

export const DNC_AUDIT_ACTIONS = ['added', 'updated', 'removed'] as const;
export type DncAuditAction = (typeof DNC_AUDIT_ACTIONS)[number];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// Append-only history of the do-not-call lists: a compliance officer can answer "who removed this number, when".
// No foreign key to campaigns: the history outlives what it describes.
@Entity('dnc_audit')
@Check('ck_dnc_audit_action', `"action" IN (${list(DNC_AUDIT_ACTIONS)})`)
@Check('ck_dnc_audit_source', `"source" IN (${list(DNC_SOURCES)})`)
@Index('ix_dnc_audit_phone', ['phone', 'at'])
@Index('ix_dnc_audit_at', ['at', 'id'])
export class DncAudit {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_dnc_audit' })
  id: string;

  @Column({ type: 'text' })
  action: DncAuditAction;

  @Column({ type: 'text' })
  phone: string;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'text' })
  source: DncSource;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
