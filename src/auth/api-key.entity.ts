import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from './roles';

@Entity('api_keys')
@Check('ck_api_keys_role', `"role" IN ('admin', 'supervisor', 'agent', 'reporting')`)
export class ApiKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_keys' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  // SHA-256 of the key: keys are 256-bit random, so a slow hash adds nothing but latency on every request.
  @Index('uq_api_keys_key_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  keyHash: string;

  // The first characters of the key, shown in listings so people can tell keys apart.
  @Column({ type: 'text' })
  keyPrefix: string;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
