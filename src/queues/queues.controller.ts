import { Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { AppError } from 'src/common/app-error';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { Manage, Read } from './queue-roles';
import { CallerPriorityDto, MoveCallerDto, RemoveCallerDto, SendCallerDto, StatsPeriodQueryDto } from './queue-callers.dto';
import { QueueStats, type LiveQueueStats, type PeriodQueueStats } from './queue-stats.service';
import { QueueCallers, type WaitingCaller } from './queue-callers.service';
import { QueueCallbacks, type QueueCallback } from './queue-callbacks.service';
import { QueueSettingsDto } from './queue-settings';
import type { Queue } from './queue.entity';
import { QueuesService } from './queues.service';

const MAX_PERIOD_MS = 93 * 24 * 3600_000;

// Admin and supervisor manage queues; reporting reads them.
@AdminController('queues', 'queues')
export class QueuesController {
  constructor(
    private readonly queues: QueuesService,
    private readonly callers: QueueCallers,
    private readonly stats: QueueStats,
    private readonly callbacks: QueueCallbacks,
  ) {}

  @Get()
  @Read('List the queues')
  @ApiOkResponse({ description: 'Every queue with its settings, by name' })
  async list(): Promise<{ items: Queue[] }> {
    return { items: await this.queues.list() };
  }

  @Post()
  @Manage('Create a queue')
  @ApiCreatedResponse({ description: 'The queue' })
  @ApiBadRequestResponse({ description: 'A setting out of range, an overflow action without its field or limit, an unknown overflow queue' })
  @ApiConflictResponse({ description: 'The name is taken' })
  create(@Body() body: QueueSettingsDto): Promise<Queue> {
    return this.queues.create(body);
  }

  @Get(':id/stats/live')
  @Read('Live figures: callers waiting, longest wait, agents by status, expected wait')
  live(@Param('id', uuidParam('id')) id: string): Promise<LiveQueueStats> {
    return this.stats.live(id);
  }

  @Get(':id/stats')
  @Read('Figures over a period: offered, answered, abandoned, service level, waits, handle time, overflowed')
  @ApiBadRequestResponse({ description: 'A bad date, `from` not before `to`, or a period over 93 days' })
  period(@Param('id', uuidParam('id')) id: string, @Query() query: StatsPeriodQueryDto): Promise<PeriodQueueStats> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 24 * 3600_000);
    if (from >= to) throw new AppError('invalid', 'from must be before to', [{ field: 'from', rule: 'before_to', message: 'from must be before to' }]);
    if (to.getTime() - from.getTime() > MAX_PERIOD_MS)
      throw new AppError('invalid', 'The period is at most 93 days', [{ field: 'from', rule: 'max_period', message: 'the period is at most 93 days' }]);
    return this.stats.period(id, from, to);
  }

  @Get(':id')
  @Read('Get a queue')
  @ApiNotFoundResponse({ description: 'No such queue' })
  get(@Param('id', uuidParam('id')) id: string): Promise<Queue> {
    return this.queues.get(id);
  }

  @Put(':id')
  @Manage("Replace a queue's settings")
  @ApiOkResponse({ description: 'The queue' })
  @ApiBadRequestResponse({ description: 'As for create' })
  @ApiNotFoundResponse({ description: 'No such queue' })
  update(@Param('id', uuidParam('id')) id: string, @Body() body: QueueSettingsDto): Promise<Queue> {
    return this.queues.update(id, body);
  }

  @Delete(':id')
  @Manage('Delete a queue no caller ever entered')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: "Callers wait, the queue has history, or it is another queue's overflow target" })
  async remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.queues.remove(id);
  }

  @Get(':id/callers')
  @Read('The callers waiting (or being offered) in a queue, in order')
  @ApiOkResponse({ description: '{ items: [{ entryId, position, state, fromNumber, dialled, entryRoute, priority, enqueuedAt, waitS, agentId }] }' })
  async listCallers(@Param('id', uuidParam('id')) id: string): Promise<{ items: WaitingCaller[] }> {
    return { items: await this.callers.list(id) };
  }

  @Patch(':id/callers/:entryId')
  @Manage("Change a waiting caller's priority")
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiConflictResponse({ description: 'The caller is no longer waiting' })
  async setPriority(
    @Param('id', uuidParam('id')) id: string,
    @Param('entryId', uuidParam('entryId')) entryId: string,
    @Body() body: CallerPriorityDto,
  ): Promise<void> {
    await this.callers.setPriority(id, entryId, body.priority);
  }

  @Post(':id/callers/:entryId/move')
  @Manage('Move a waiting caller to another queue, keeping their wait')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiConflictResponse({ description: 'The caller is no longer waiting' })
  async move(@Param('id', uuidParam('id')) id: string, @Param('entryId', uuidParam('entryId')) entryId: string, @Body() body: MoveCallerDto): Promise<void> {
    await this.callers.move(id, entryId, body.queueId);
  }

  @Post(':id/callers/:entryId/send')
  @Manage('Send a waiting caller to a given available agent or number')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiConflictResponse({ description: 'The caller is no longer waiting, or the agent is not available' })
  async send(@Param('id', uuidParam('id')) id: string, @Param('entryId', uuidParam('entryId')) entryId: string, @Body() body: SendCallerDto): Promise<void> {
    await this.callers.send(id, entryId, body.number !== undefined ? { number: body.number } : { agentId: body.agentId! });
  }

  @Post(':id/callers/:entryId/remove')
  @Manage('Remove a waiting caller with a message')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiConflictResponse({ description: 'The caller is no longer waiting' })
  async removeCaller(
    @Param('id', uuidParam('id')) id: string,
    @Param('entryId', uuidParam('entryId')) entryId: string,
    @Body() body: RemoveCallerDto,
  ): Promise<void> {
    await this.callers.remove(id, entryId, body.message);
  }

  @Get(':id/callbacks')
  @Read('The callbacks of a queue still to be made (requested) or ringing (calling_back), in order')
  @ApiOkResponse({ description: '{ items: [{ entryId, state, fromNumber, enqueuedAt, requestedAt, expiresAt, callbackCallId }] }' })
  @ApiNotFoundResponse({ description: 'No such queue' })
  async listCallbacks(@Param('id', uuidParam('id')) id: string): Promise<{ items: QueueCallback[] }> {
    return { items: await this.callbacks.list(id) };
  }

  @Delete(':id/callbacks/:entryId')
  @Manage('Cancel a callback not yet being made')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Cancelled' })
  @ApiNotFoundResponse({ description: 'No such queue, or no such callback in it' })
  @ApiConflictResponse({ description: 'The callback is ringing or already over' })
  async cancelCallback(@Param('id', uuidParam('id')) id: string, @Param('entryId', uuidParam('entryId')) entryId: string): Promise<void> {
    await this.callbacks.cancel(id, entryId);
  }
}
