import { BullModule } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { RecordingPolicies } from 'src/recordings/recording-policies.service';
import { RecordingsModule } from 'src/recordings/recordings.module';
import { EventsModule } from 'src/events/events.module';
import { QueuesModule } from 'src/queues/queues.module';
import { IdempotencyModule } from 'src/common/idempotency/idempotency.module';
import { ComplianceModule } from 'src/compliance/compliance.module';
import { NumbersModule } from 'src/numbers/numbers.module';
import { DncAdmin } from 'src/compliance/dnc-admin.service';
import { CampaignAttempt } from './campaign-attempt.entity';
import { CampaignContact } from './campaign-contact.entity';
import { Campaign } from './campaign.entity';
import { CampaignCallsReader } from './campaign-calls.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { ContactImportService } from './contacts/contact-import.service';
import { ContactsController } from './contacts/contacts.controller';
import { ContactsQueryService } from './contacts/contacts-query.service';
import { ContactsRepository } from './contacts/contacts.repository';
import { CsvBodyParser } from './contacts/csv-body-parser';
import { AttemptSettler } from 'src/campaigns/dialer/attempt-settler.service';
import { CallEvidence } from 'src/campaigns/dialer/call-evidence.service';
import { CallWithdrawal } from 'src/campaigns/dialer/call-withdrawal.service';
import { CampaignCallHandler } from './dialer/campaign-call.handler';
import { CampaignPauser } from 'src/campaigns/dialer/campaign-pauser.service';
import { CampaignScripts } from 'src/campaigns/dialer/campaign-scripts.service';
import { DIALER_JOBS } from './dialer/dialer.jobs';
import { DialerProcessor } from './dialer/dialer.processor';
import { DialStatsReader } from './dialer/dial-stats.service';
import { DialerRepository } from './dialer/dialer.repository';
import { DialerService } from './dialer/dialer.service';
import { CampaignStatsService } from './stats/campaign-stats.service';
import { CampaignEstimates } from './stats/campaign-estimate.service';

// Outbound campaigns: settings and lifecycle, contact import, the dialer (a BullMQ job
// scheduler, worker roles only) and the campaign's part of the webhook (ACE / PIE answers, DiCE settlement).
// Calls are placed through CalloutsService.place (global CalloutsModule), which validates, stores and queues them.
@Module({
  imports: [
    TypeOrmModule.forFeature([Campaign, CampaignContact, CampaignAttempt]),
    BullModule.registerQueue({ name: DIALER_JOBS.queue }),
    CallsModule,
    ComplianceModule,
    IdempotencyModule,
    RecordingsModule,
    // The IVR's "talk to an agent" hands the callee to an inbound queue through the route targets queues register;
    // the cost estimate reads the numbers' rate cache.
    NumbersModule,
    QueuesModule,
    EventsModule,
  ],
  controllers: [CampaignsController, ContactsController],
  providers: [
    CampaignsService,
    CampaignCallsReader,
    CampaignStatsService,
    CampaignEstimates,
    CampaignScripts,
    ContactImportService,
    ContactsRepository,
    ContactsQueryService,
    CsvBodyParser,
    CallWithdrawal,
    AttemptSettler,
    CampaignPauser,
    CallEvidence,
    DialerRepository,
    DialStatsReader,
    DialerService,
    DialerProcessor,
    CampaignCallHandler,
  ],
  exports: [CampaignsService, CampaignStatsService],
})
export class CampaignsModule implements OnModuleInit {
  constructor(
    private readonly dncAdmin: DncAdmin,
    private readonly withdrawal: CallWithdrawal,
    private readonly recordingPolicies: RecordingPolicies,
    private readonly campaigns: CampaignsService,
  ) {}

  // A number put on a do-not-call list through the API: its campaign calls queued but not dialled are taken back.
  onModuleInit(): void {
    this.dncAdmin.onNumberBlocked((phone, campaignId) => this.withdrawal.withdrawNumber(phone, campaignId));
    // Its consent policy may ask "press 9 to not be recorded" before the message (campaign-call.handler.ts).
    this.recordingPolicies.registerTarget('campaign', (id) => this.campaigns.exists(id), { optOut: true });
  }
}
