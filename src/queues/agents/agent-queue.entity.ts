import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Queue } from 'src/queues/queue.entity';
import { Agent } from './agent.entity';

// A queue an agent serves, with their skill in it (higher is better).
@Entity('agent_queues')
@Index('ix_agent_queues_queue', ['queueId', 'skill'])
export class AgentQueue {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_agent_queues' })
  agentId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_agent_queues' })
  queueId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'fk_agent_queues_agent' })
  agent?: Agent;

  @ManyToOne(() => Queue, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'fk_agent_queues_queue' })
  queue?: Queue;

  @Column({ type: 'integer', default: 1 })
  skill: number;
}
