import { applyDecorators, Body, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { QueueDistribution } from 'src/queues/queue-distribution.service';
import { Manage, Read } from 'src/queues/queue-roles';
import { AgentDto, AgentStatusDto } from './agent.dto';
import type { AgentStatusChange } from './agent-status-change.entity';
import { AgentCalls, type AgentCall } from './agent-calls.service';
import { AgentsService, type AgentView } from './agents.service';

const Self = (summary: string) =>
  applyDecorators(
    Roles('agent'),
    ApiOperation({ summary, description: 'Roles: agent (a key bound to an agent)' }),
    ApiForbiddenResponse({ description: 'The key is not bound to an agent' }),
  );

const actorOf = (request: AuthenticatedRequest): string => (request.apiKey ? `api-key:${request.apiKey.id}` : 'unknown');

// Admin and supervisor manage agents; reporting reads; an agent-role key bound to an agent uses /me. Static paths
// (me) before :id.
@AdminController('agents', 'agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly calls: AgentCalls,
    private readonly distribution: QueueDistribution,
  ) {}

  // An agent who became available takes a waiting caller at once, not at the next sweep.
  private async changeStatus(id: string, status: AgentStatusDto['status'], request: AuthenticatedRequest): Promise<AgentView> {
    const agent = await this.agents.setStatus(id, status, actorOf(request));
    if (agent.status === 'available') this.distribution.kick();
    return agent;
  }

  @Get()
  @Read('List the agents')
  async list(): Promise<{ items: AgentView[] }> {
    return { items: await this.agents.list() };
  }

  @Post()
  @Manage('Create an agent')
  @ApiCreatedResponse({ description: 'The agent (offline)' })
  @ApiBadRequestResponse({ description: 'An endpoint not reachable for its type, an unknown queue, a key that is not an unbound agent key' })
  create(@Body() body: AgentDto): Promise<AgentView> {
    return this.agents.create(body);
  }

  @Get('me')
  @Self('The agent this key is bound to')
  me(@Req() request: AuthenticatedRequest): Promise<AgentView> {
    return this.agents.forKey(request.apiKey?.id);
  }

  @Put('me/status')
  @Self('Set my status (offline, available, away)')
  @ApiConflictResponse({ description: 'On a call: the status changes when it ends' })
  async setMyStatus(@Req() request: AuthenticatedRequest, @Body() body: AgentStatusDto): Promise<AgentView> {
    const me = await this.agents.forKey(request.apiKey?.id);
    return this.changeStatus(me.id, body.status, request);
  }

  @Get('me/calls')
  @Self('My queue calls, newest first')
  async myCalls(@Req() request: AuthenticatedRequest): Promise<{ items: AgentCall[] }> {
    const me = await this.agents.forKey(request.apiKey?.id);
    return { items: await this.calls.of(me.id) };
  }

  @Get(':id')
  @Read('Get an agent')
  @ApiNotFoundResponse({ description: 'No such agent' })
  get(@Param('id', uuidParam('id')) id: string): Promise<AgentView> {
    return this.agents.get(id);
  }

  @Put(':id')
  @Manage('Replace an agent (name, endpoint, queues with skills, bound key)')
  @ApiOkResponse({ description: 'The agent' })
  @ApiNotFoundResponse({ description: 'No such agent' })
  async update(@Param('id', uuidParam('id')) id: string, @Body() body: AgentDto): Promise<AgentView> {
    const agent = await this.agents.update(id, body);
    // Its queues may have changed: an available agent may now serve a queue with callers waiting.
    if (agent.status === 'available') this.distribution.kick();
    return agent;
  }

  @Put(':id/status')
  @Manage("Set an agent's status (offline, available, away)")
  @ApiConflictResponse({ description: 'On a call' })
  setStatus(@Param('id', uuidParam('id')) id: string, @Body() body: AgentStatusDto, @Req() request: AuthenticatedRequest): Promise<AgentView> {
    return this.changeStatus(id, body.status, request);
  }

  @Get(':id/history')
  @Read("An agent's status history, newest first")
  async history(@Param('id', uuidParam('id')) id: string): Promise<{ items: AgentStatusChange[] }> {
    await this.agents.get(id);
    return { items: await this.agents.history(id) };
  }

  @Get(':id/calls')
  @Read("An agent's queue calls, newest first")
  async agentCalls(@Param('id', uuidParam('id')) id: string): Promise<{ items: AgentCall[] }> {
    await this.agents.get(id);
    return { items: await this.calls.of(id) };
  }

  @Delete(':id')
  @Manage('Delete an agent')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: 'On a call' })
  async remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.agents.remove(id);
  }
}
