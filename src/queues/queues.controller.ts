import { applyDecorators, Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { CallerPriorityDto, MoveCallerDto, RemoveCallerDto, SendCallerDto } from './queue-callers.dto';
import { QueueCallers, type WaitingCaller } from './queue-callers.service';
import { QueueSettingsDto } from './queue-settings';
import type { Queue } from './queue.entity';
import { QueuesService } from './queues.service';

const Manage = (summary: string) => applyDecorators(Roles('admin', 'supervisor'), ApiOperation({ summary, description: 'Roles: admin, supervisor' }));
const Read = (summary: string) => applyDecorators(Roles('admin', 'supervisor', 'reporting'), ApiOperation({ summary, description: 'Roles: admin, supervisor, reporting' }));

// Admin and supervisor manage queues; reporting reads them.
@AdminController('queues', 'queues')
export class QueuesController {
  constructor(
    private readonly queues: QueuesService,
    private readonly callers: QueueCallers,
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

  @Get(':id')
  @Read('Get a queue')
  @ApiNotFoundResponse({ description: 'No such queue' })
  get(@Param('id', uuidParam('id')) id: string): Promise<Queue> {
    return this.queues.get(id);
  }

  @Put(':id')
  @Manage('Replace a queue\'s settings')
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
  @ApiConflictResponse({ description: 'Callers wait, the queue has history, or it is another queue\'s overflow target' })
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
  @Manage('Change a waiting caller\'s priority')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiConflictResponse({ description: 'The caller is no longer waiting' })
  async setPriority(@Param('id', uuidParam('id')) id: string, @Param('entryId', uuidParam('entryId')) entryId: string, @Body() body: CallerPriorityDto): Promise<void> {
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
  async removeCaller(@Param('id', uuidParam('id')) id: string, @Param('entryId', uuidParam('entryId')) entryId: string, @Body() body: RemoveCallerDto): Promise<void> {
    await this.callers.remove(id, entryId, body.message);
  }
}
