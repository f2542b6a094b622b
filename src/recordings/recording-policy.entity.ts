import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const RECORDING_MODES = ['off', 'on', 'consent'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];
export const POLICY_TARGETS = ['campaign', 'route', 'queue', 'conference'] as const;
export type PolicyTargetType = (typeof POLICY_TARGETS)[number];

// A recording policy on one target (a campaign, an inbound route's number, a queue, a conference room).
@Entity({ name: 'recording_policies' })
@Check('ck_recording_policies_mode', `mode IN ('off', 'on', 'consent')`)
@Check('ck_recording_policies_target', `target_type IN ('campaign', 'route', 'queue', 'conference')`)
export class RecordingPolicy {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_recording_policies' })
  targetType!: PolicyTargetType;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_recording_policies' })
  targetId!: string;

  @Column({ type: 'text' })
  mode!: RecordingMode;

  // consent: the caller may press 9 to not be recorded.
  @Column({ type: 'boolean', default: false })
  optOut!: boolean;

  @Column({ type: 'text', nullable: true })
  notice!: string | null;

  @Column({ type: 'integer', nullable: true })
  retentionDays!: number | null;

  @Column({ type: 'boolean', default: false })
  transcribe!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
