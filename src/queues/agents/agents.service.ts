import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not, Repository } from 'typeorm';
import { AppError, type FieldProblem } from 'src/common/app-error';
import { QueuesError } from 'src/queues/queues.errors';
import { AdminEvents } from 'src/events/admin-events.service';
import { Queue } from 'src/queues/queue.entity';
import { endpointProblem } from './agent-endpoint';
import { AgentQueue } from './agent-queue.entity';
import { AgentStatusChange } from './agent-status-change.entity';
import { Agent, type AgentStatus } from './agent.entity';
import type { AgentDto, SettableStatus } from './agent.dto';

export interface AgentView extends Agent {
  queues: { queueId: string; skill: number }[];
}

const ON_A_CALL: readonly AgentStatus[] = ['busy'];

@Injectable()
export class AgentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
    @InjectRepository(AgentQueue) private readonly agentQueues: Repository<AgentQueue>,
    @InjectRepository(AgentStatusChange) private readonly changes: Repository<AgentStatusChange>,
    private readonly events: AdminEvents,
  ) {}

  async list(): Promise<AgentView[]> {
    const [agents, links] = await Promise.all([this.agents.find({ order: { name: 'ASC' } }), this.agentQueues.find()]);
    return agents.map((a) => this.view(a, links));
  }

  async get(id: string): Promise<AgentView> {
    const agent = await this.agents.findOneBy({ id });
    if (!agent) throw new QueuesError('agent_not_found', `Agent ${id} does not exist`);
    return this.view(agent, await this.agentQueues.findBy({ agentId: id }));
  }

  // The agent an agent-role key is bound to.
  async forKey(apiKeyId: string | undefined): Promise<AgentView> {
    const agent = apiKeyId ? await this.agents.findOneBy({ apiKeyId }) : null;
    if (!agent) throw new QueuesError('key_not_bound_to_agent', 'This API key is not bound to an agent');
    return this.view(agent, await this.agentQueues.findBy({ agentId: agent.id }));
  }

  async create(dto: AgentDto): Promise<AgentView> {
    await this.check(dto);
    const id = await this.dataSource.transaction(async (manager) => {
      const agent = await manager.save(
        Agent,
        manager.create(Agent, { name: dto.name, endpointType: dto.endpointType, endpoint: dto.endpoint, apiKeyId: dto.apiKeyId ?? null }),
      );
      await this.linkQueues(manager, agent.id, dto);
      await manager.insert(AgentStatusChange, { agentId: agent.id, status: 'offline', reason: 'created' });
      return agent.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: AgentDto): Promise<AgentView> {
    await this.get(id);
    await this.check(dto, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(Agent, { id }, { name: dto.name, endpointType: dto.endpointType, endpoint: dto.endpoint, apiKeyId: dto.apiKeyId ?? null });
      await manager.delete(AgentQueue, { agentId: id });
      await this.linkQueues(manager, id, dto);
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const agent = await this.get(id);
    if (ON_A_CALL.includes(agent.status)) throw new QueuesError('agent_on_call', `Agent ${id} is on a call`);
    await this.agents.delete({ id });
  }

  // A person's change (the agent or a supervisor). The service's own changes (busy, wrap_up) go through transition().
  async setStatus(id: string, status: SettableStatus, actor: string): Promise<AgentView> {
    await this.dataSource.transaction(async (manager) => {
      const agent = await manager.findOne(Agent, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!agent) throw new QueuesError('agent_not_found', `Agent ${id} does not exist`);
      if (ON_A_CALL.includes(agent.status)) {
        throw new QueuesError('agent_on_call', `Agent ${id} is on a call; the status changes when it ends`, [
          { field: 'status', rule: 'on_call', message: 'the agent is busy with a call' },
        ]);
      }
      if (agent.status !== status) await this.transition(manager, id, status, actor);
    });
    return this.get(id);
  }

  history(id: string, limit = 100): Promise<AgentStatusChange[]> {
    return this.changes.find({ where: { agentId: id }, order: { at: 'DESC' }, take: limit });
  }

  // Every status change: the row, its history line, and the idle clock (longest idle is offered first).
  async transition(manager: EntityManager, agentId: string, status: AgentStatus, reason: string, wrapUpUntil?: Date): Promise<void> {
    await manager.query(
      `UPDATE agents SET status = $2, status_since = now(), updated_at = now(),
         idle_since = CASE WHEN $2 = 'available' THEN COALESCE(CASE WHEN status = 'available' THEN idle_since END, now()) ELSE NULL END,
         wrap_up_until = $3
       WHERE id = $1`,
      [agentId, status, wrapUpUntil ?? null],
    );
    await manager.insert(AgentStatusChange, { agentId, status, reason });
    // Sent as the transaction's last step: a notification (clients read the state from the API), not the state.
    void this.events.publish('agents', 'agent.status', { agentId, status, reason });
  }

  private async linkQueues(manager: EntityManager, agentId: string, dto: AgentDto): Promise<void> {
    if (dto.queues?.length)
      await manager.insert(
        AgentQueue,
        dto.queues.map((q) => ({ agentId, queueId: q.queueId, skill: q.skill ?? 1 })),
      );
  }

  private async check(dto: AgentDto, selfId?: string): Promise<void> {
    const problems: FieldProblem[] = [];
    const endpoint = endpointProblem(dto.endpointType, dto.endpoint);
    if (endpoint) problems.push(endpoint);
    const queueIds = (dto.queues ?? []).map((q) => q.queueId);
    const seen = new Set<string>();
    queueIds.forEach((id, i) => {
      if (seen.has(id)) problems.push({ field: `queues[${i}].queueId`, rule: 'unique', message: `queues[${i}].queueId is listed twice` });
      seen.add(id);
    });
    if (queueIds.length > 0) {
      const known = new Set((await this.dataSource.getRepository(Queue).findBy({ id: In(queueIds) })).map((q) => q.id));
      queueIds.forEach((id, i) => {
        if (!known.has(id)) problems.push({ field: `queues[${i}].queueId`, rule: 'exists', message: `queues[${i}].queueId: queue ${id} does not exist` });
      });
    }
    if (dto.apiKeyId) {
      const [key] = (await this.dataSource.query(`SELECT role, revoked_at FROM api_keys WHERE id = $1`, [dto.apiKeyId])) as {
        role: string;
        revoked_at: Date | null;
      }[];
      if (!key || key.revoked_at)
        problems.push({ field: 'apiKeyId', rule: 'exists', message: `apiKeyId: API key ${dto.apiKeyId} does not exist or is revoked` });
      else if (key.role !== 'agent')
        problems.push({ field: 'apiKeyId', rule: 'role', message: `apiKeyId: the key has role ${key.role}; only an agent key can be bound` });
      else if (await this.agents.exists({ where: selfId ? { apiKeyId: dto.apiKeyId, id: Not(selfId) } : { apiKeyId: dto.apiKeyId } })) {
        problems.push({ field: 'apiKeyId', rule: 'unique', message: 'apiKeyId is bound to another agent' });
      }
    }
    if (problems.length > 0) throw new AppError('invalid', problems.map((p) => p.message).join('; '), problems);
  }

  private view(agent: Agent, links: AgentQueue[]): AgentView {
    return { ...agent, queues: links.filter((l) => l.agentId === agent.id).map((l) => ({ queueId: l.queueId, skill: l.skill })) };
  }
}
