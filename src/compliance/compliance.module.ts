import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { ComplianceService } from './compliance.service';
import { DncAdmin } from './dnc-admin.service';
import { DncAudit } from './dnc-audit.entity';
import { DncEntry } from './dnc-entry.entity';
import { DncController } from './dnc.controller';
import { DncService } from './dnc.service';

// Compliance: the do-not-call lists (global and per campaign) with their audit trail and admin API, and the
// frequency cap. ComplianceService.check is the one question every feature asks before placing a call; DncService
// records opt-outs; DncAdmin.onNumberBlocked lets features take back calls they queued for a number just listed.
// The set-based form of the checks, for queries that must stay one statement (the dialer's claim, the import).
export { dncBlocksSql, frequencyCapFreeAtSql, recentAbandonUntilSql } from 'src/compliance/compliance-sql';

@Module({
  imports: [TypeOrmModule.forFeature([DncEntry, DncAudit]), CallsModule],
  controllers: [DncController],
  providers: [ComplianceService, DncService, DncAdmin],
  exports: [ComplianceService, DncService, DncAdmin],
})
export class ComplianceModule {}
