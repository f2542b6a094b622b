import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

// recording -> finished -> available, or failed (Sinch said so), or missing (no recording_available in time).
export const RECORDING_STATUSES = ['recording', 'finished', 'available', 'failed', 'missing'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export interface TimelineEntry {
  at: string;
  what: string;
  [field: string]: unknown;
}

// One segment of one call's recording: a stop then a start makes segment 2. Erased media leaves the row as a
// tombstone (erasedAt, erasedBy, eraseReason) with location, size and transcript cleared.
@Entity({ name: 'recordings' })
@Unique('uq_recordings_call_segment', ['sinchCallId', 'segment'])
@Check('ck_recordings_status', `status IN ('recording', 'finished', 'available', 'failed', 'missing')`)
@Index('ix_recordings_call', ['callId'])
@Index('ix_recordings_started', ['startedAt'])
export class Recording {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_recordings' })
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  callId!: string | null;

  @Column({ type: 'text' })
  sinchCallId!: string;

  @Column({ type: 'text', nullable: true })
  conferenceId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  queueId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'text', nullable: true })
  agentId!: string | null;

  @Column({ type: 'integer' })
  segment!: number;

  @Column({ type: 'text' })
  format!: string;

  @Column({ type: 'text', default: 'recording' })
  status!: RecordingStatus;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  availableAt!: Date | null;

  @Column({ type: 'numeric', precision: 12, scale: 3, nullable: true })
  durationS!: string | null;

  @Column({ type: 'bigint', nullable: true })
  sizeBytes!: string | null;

  // Where Sinch put the file (s3://bucket/key or file:///path); never carries credentials.
  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ type: 'text', nullable: true })
  transcriptText!: string | null;

  @Column({ type: 'text', nullable: true })
  transcriptLocale!: string | null;

  @Column({ type: 'text', nullable: true })
  transcriptLocation!: string | null;

  @Column({ type: 'boolean', default: false })
  legalHold!: boolean;

  // Media and transcript are erased by the retention job after this (unless on legal hold).
  @Column({ type: 'timestamptz', nullable: true })
  retainUntil!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  erasedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  eraseReason!: string | null;

  @Column({ type: 'jsonb', default: [] })
  timeline!: TimelineEntry[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
