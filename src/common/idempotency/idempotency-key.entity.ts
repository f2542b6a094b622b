import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

// One row per Idempotency-Key seen on a POST that costs money. Written in the same transaction as the work it
// guards, so the key, the created rows and the stored answer commit (or vanish) together.
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_created', ['createdAt'])
export class IdempotencyKey {
  // The endpoint the key was used on: the same key on two endpoints means two things.
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_idempotency_keys' })
  scope: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_idempotency_keys' })
  key: string;

  // sha256 of the canonical JSON of the validated body: a reused key with another body is refused.
  @Column({ type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
