import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MusicOnHold } from 'src/sinch/svaml/svaml.types';

// A conference room: its Sinch conference id and the rules every session of it follows.
@Entity('conference_rooms')
@Check('ck_conference_rooms_max', `"max_participants" >= 1`)
@Index('ix_conference_rooms_created', ['createdAt', 'id'])
export class ConferenceRoom {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_conference_rooms' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  // Sinch's conference id (64 characters at most); one room per id.
  @Index('uq_conference_rooms_sinch_id', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  sinchConferenceId: string;

  @Column({ type: 'text', nullable: true })
  participantPin: string | null;

  @Column({ type: 'text', nullable: true })
  moderatorPin: string | null;

  @Column({ type: 'text', default: 'music1' })
  musicOnHold: MusicOnHold;

  @Column({ type: 'integer', default: 50 })
  maxParticipants: number;

  @Column({ type: 'boolean', default: false })
  joinMuted: boolean;

  @Column({ type: 'boolean', default: false })
  waitForModerator: boolean;

  @Column({ type: 'boolean', default: false })
  endWhenModeratorLeaves: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  openFrom: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  openUntil: Date | null;

  @Column({ type: 'boolean', default: false })
  locked: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
