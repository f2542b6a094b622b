import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { NumbersModule } from 'src/numbers/numbers.module';
import { QueueEntries } from './queue-entries.service';
import { QueueEntry } from './queue-entry.entity';
import { QueueRoutingHandler } from './queue-routing.handler';
import { Queue } from './queue.entity';
import { QueuesController } from './queues.controller';
import { QUEUES_JOBS } from './queues.jobs';
import { QueuesService } from './queues.service';
import { QueuesSweepProcessor } from './queues-sweep.processor';

// Inbound queues: callers parked (and re-parked past Sinch's 600 s park limit) while they wait, wait limits with
// their overflow actions. Plugs into numbers as the `queue` route target.
@Module({
  imports: [TypeOrmModule.forFeature([Queue, QueueEntry]), BullModule.registerQueue({ name: QUEUES_JOBS.queue }), CallsModule, NumbersModule],
  controllers: [QueuesController],
  providers: [QueuesService, QueueEntries, QueueRoutingHandler, QueuesSweepProcessor],
})
export class QueuesModule {}
