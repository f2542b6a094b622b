import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// A named set of our numbers that callouts and campaigns show as caller id (`cli: { pool: "sales" }`).
@Entity('caller_id_pools')
export class CallerIdPool {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_caller_id_pools' })
  id: string;

  @Index('uq_caller_id_pools_name', { unique: true })
  @Column({ type: 'text' })
  name: string;

  // E.164 numbers, all active numbers of ours when stored; a released number is taken out by the sync.
  @Column({ type: 'text', array: true })
  numbers: string[];

  // Leave out numbers whose answer rate fell far below the pool's median (likely flagged as spam by carriers).
  @Column({ type: 'boolean', default: false })
  excludeFlagged: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
