import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const RECORDING_ACCESS_ACTIONS = ['listen', 'erase', 'retention_erase', 'legal_hold_on', 'legal_hold_off'] as const;
export type RecordingAccessAction = (typeof RECORDING_ACCESS_ACTIONS)[number];

// Who listened to, downloaded, erased or held which recording, and when (append-only).
@Entity({ name: 'recording_access_log' })
@Check('ck_recording_access_action', `action IN ('listen', 'erase', 'retention_erase', 'legal_hold_on', 'legal_hold_off')`)
@Index('ix_recording_access_recording', ['recordingId', 'at'])
export class RecordingAccess {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_recording_access_log' })
  id!: string;

  @Column({ type: 'uuid' })
  recordingId!: string;

  @Column({ type: 'text' })
  action!: RecordingAccessAction;

  // The API key's id and name; null for the retention job.
  @Column({ type: 'uuid', nullable: true })
  keyId!: string | null;

  @Column({ type: 'text', nullable: true })
  keyName!: string | null;

  // The byte range asked for, if any.
  @Column({ type: 'text', nullable: true })
  range!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
