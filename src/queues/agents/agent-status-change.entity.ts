import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';
import type { AgentStatus } from './agent.entity';

// Append-only history of an agent's status: who or what changed it, and why (offer, no_answer, wrap_up_done, ...).
@Entity('agent_status_changes')
@Index('ix_agent_status_changes_agent', ['agentId', 'at'])
export class AgentStatusChange {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_agent_status_changes' })
  id: string;

  @Column({ type: 'uuid' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_agent_status_changes_agent' })
  agent?: Agent;

  @Column({ type: 'text' })
  status: AgentStatus;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
