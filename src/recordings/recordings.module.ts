import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { EventsModule } from 'src/events/events.module';
import { RecordingAccess } from './recording-access.entity';
import { RecordingEraser } from './recording-eraser.service';
import { RecordingLedger } from './recording-ledger.service';
import { RecordingMetrics } from './recording-metrics.service';
import { RecordingPolicies } from './recording-policies.service';
import { RecordingPolicy } from './recording-policy.entity';
import { RecordingStorage } from './recording-storage.service';
import { RecordingSweeper } from './recording-sweeper.service';
import { Recording } from './recording.entity';
import { CallRecordingController, RecordingsController } from './recordings.controller';
import { RECORDING_JOBS } from './recordings.jobs';
import { RecordingsProcessor } from './recordings.processor';
import { RecordingsService } from './recordings.service';

export type { PolicyTarget, EffectivePolicy } from './recording-policies.service';

// Recordings: every segment Sinch records (by policy or on demand), where its file is, who listened, how long
// it is kept. Other features ask RecordingPolicies.instructionsFor(targets) for the instructions to put before
// their answer's action, and registerTarget(type, exists) to make their targets valid for policies.
@Module({
  imports: [
    TypeOrmModule.forFeature([Recording, RecordingAccess, RecordingPolicy]),
    BullModule.registerQueue({ name: RECORDING_JOBS.queue }),
    CallsModule,
    EventsModule,
  ],
  controllers: [RecordingsController, CallRecordingController],
  providers: [
    RecordingStorage,
    RecordingPolicies,
    RecordingLedger,
    RecordingMetrics,
    RecordingEraser,
    RecordingSweeper,
    RecordingsService,
    RecordingsProcessor,
  ],
  exports: [RecordingPolicies],
})
export class RecordingsModule {}
