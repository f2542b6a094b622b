import { Module } from '@nestjs/common';
import { CallsModule } from 'src/calls/calls.module';
import { CampaignsModule } from 'src/campaigns/campaigns.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

// Cost reports over the call log's roll-ups (src/calls/rollups keeps them), their CSV exports and the per-call export.
@Module({
  imports: [CallsModule, CampaignsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
