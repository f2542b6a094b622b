import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { NumberRouting } from './routing/number-routes';

// Append-only history of route changes: who changed what a number does, when, from what to what.
@Entity('number_route_audits')
@Index('ix_number_route_audits_number', ['numberId', 'at'])
export class NumberRouteAudit {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_number_route_audits' })
  id: string;

  @Column({ type: 'uuid' })
  numberId: string;

  @Column({ type: 'text' })
  number: string;

  // "api-key:<id> (<name>)" or "sync" (a release disabled the route).
  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  change: string;

  @Column({ type: 'jsonb', nullable: true })
  before: NumberRouting | null;

  @Column({ type: 'jsonb', nullable: true })
  after: NumberRouting | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
