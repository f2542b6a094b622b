import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { NumberRouting } from './routing/number-routes';

export const NUMBER_STATUSES = ['active', 'released'] as const;
export type NumberStatus = (typeof NUMBER_STATUSES)[number];

// A number the Sinch account owns (or owned: `released` rows are kept, never deleted, with their history).
@Entity('phone_numbers')
@Check('ck_phone_numbers_status', `"status" IN ('active', 'released')`)
@Index('ix_phone_numbers_created', ['createdAt', 'id'])
@Index('ix_phone_numbers_updated', ['updatedAt'])
export class PhoneNumber {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_phone_numbers' })
  id: string;

  // E.164.
  @Index('uq_phone_numbers_number', { unique: true })
  @Column({ type: 'text' })
  number: string;

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  // As Sinch's queryNumber reports it: Mobile, Fixed, Other, Unknown.
  @Column({ type: 'text', nullable: true })
  numberType: string | null;

  @Column({ type: 'text', default: 'voice' })
  capability: string;

  // The Sinch application the number is assigned to (null: none).
  @Column({ type: 'text', nullable: true })
  applicationKey: string | null;

  @Column({ type: 'text', default: 'active' })
  status: NumberStatus;

  @Column({ type: 'jsonb', nullable: true })
  routing: NumberRouting | null;

  // Why the route does not run although it is set (the number was released); cleared when a route is saved.
  @Column({ type: 'text', nullable: true })
  routeDisabledReason: string | null;

  @Column({ type: 'timestamptz' })
  firstSeenAt: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
