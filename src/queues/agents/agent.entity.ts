import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const AGENT_STATUSES = ['offline', 'available', 'busy', 'wrap_up', 'away'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export const ENDPOINT_TYPES = ['pstn', 'sip', 'user'] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

// A person who takes queue calls: how to reach them, their status, and since when they are idle (longest idle
// is offered first). `apiKeyId` binds one agent-role API key to them (/api/v1/agents/me).
@Entity('agents')
@Index('uq_agents_api_key', ['apiKeyId'], { unique: true })
@Index('ix_agents_status_idle', ['status', 'idleSince'])
@Check('ck_agents_status', `"status" IN (${list(AGENT_STATUSES)})`)
@Check('ck_agents_endpoint_type', `"endpoint_type" IN (${list(ENDPOINT_TYPES)})`)
export class Agent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_agents' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  endpointType: EndpointType;

  // E.164 number, SIP URI or Sinch in-app user name.
  @Column({ type: 'text' })
  endpoint: string;

  @Column({ type: 'text', default: 'offline' })
  status: AgentStatus;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  statusSince: Date;

  // Set when the agent becomes available; the longest idle goes first.
  @Column({ type: 'timestamptz', nullable: true })
  idleSince: Date | null;

  // wrap_up ends (the agent is available again) at this time.
  @Column({ type: 'timestamptz', nullable: true })
  wrapUpUntil: Date | null;

  @Column({ type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
