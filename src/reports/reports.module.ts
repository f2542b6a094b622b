import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { CallsModule } from 'src/calls/calls.module';
import { CampaignsModule } from 'src/campaigns/campaigns.module';
import { EventsModule } from 'src/events/events.module';
import { QueuesModule } from 'src/queues/queues.module';
import { BUDGET_JOBS } from './budgets/budgets.jobs';
import { BudgetsController } from './budgets/budgets.controller';
import { BudgetsProcessor } from './budgets/budgets.processor';
import { BudgetsService } from './budgets/budgets.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

// Cost reports over the call log's roll-ups (src/calls/rollups keeps them), their CSV exports and the per-call
// export; spend budgets with their signed alerts (budgets/).
@Module({
  imports: [CallsModule, CampaignsModule, EventsModule, QueuesModule, BullModule.registerQueue({ name: BUDGET_JOBS.queue })],
  controllers: [ReportsController, BudgetsController],
  providers: [ReportsService, BudgetsService, BudgetsProcessor],
})
export class ReportsModule {}
