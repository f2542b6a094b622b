import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { ComplianceModule } from 'src/compliance/compliance.module';
import { EventsModule } from 'src/events/events.module';
import { NumbersModule } from 'src/numbers/numbers.module';
import { RecordingsModule } from 'src/recordings/recordings.module';
import { AgentCalls } from './agents/agent-calls.service';
import { AgentQueue } from './agents/agent-queue.entity';
import { AgentStatusChange } from './agents/agent-status-change.entity';
import { Agent } from './agents/agent.entity';
import { AgentsController } from './agents/agents.controller';
import { AgentsService } from './agents/agents.service';
import { QueueBridge } from './queue-bridge.service';
import { QueueCallbacks } from './queue-callbacks.service';
import { QueueCallers } from './queue-callers.service';
import { QueueDistribution } from './queue-distribution.service';
import { QueueStats } from './queue-stats.service';
import { QueueEntries } from './queue-entries.service';
import { QueueEntry } from './queue-entry.entity';
import { QueueRoutingHandler } from './queue-routing.handler';
import { Queue } from './queue.entity';
import { QueuesController } from './queues.controller';
import { QUEUES_JOBS } from './queues.jobs';
import { QueuesService } from './queues.service';
import { QueuesSweepProcessor } from './queues-sweep.processor';

// Inbound queues: callers parked (and re-parked past Sinch's 600 s park limit) while they wait, wait limits with
// their overflow actions; agents (status, skills, /agents/me) and distribution to them through a bridge room.
// Campaigns bridge their answered callees to agents through QueueBridge. Plugs into numbers as the `queue` route target.
@Module({
  imports: [
    TypeOrmModule.forFeature([Queue, QueueEntry, Agent, AgentQueue, AgentStatusChange]),
    BullModule.registerQueue({ name: QUEUES_JOBS.queue }),
    CallsModule,
    NumbersModule,
    RecordingsModule,
    EventsModule,
    ComplianceModule,
  ],
  controllers: [QueuesController, AgentsController],
  providers: [
    QueueBridge,
    QueuesService,
    QueueCallers,
    QueueCallbacks,
    QueueStats,
    QueueEntries,
    QueueDistribution,
    QueueRoutingHandler,
    QueuesSweepProcessor,
    AgentsService,
    AgentCalls,
  ],
  // Outbound dialers (campaigns) bridge answered callees to agents through this.
  exports: [QueueBridge],
})
export class QueuesModule {}
