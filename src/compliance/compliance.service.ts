import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { AppConfig } from 'src/config/app-config';
import { dncCampaignSql, dncGlobalSql } from './compliance-sql';
import { ComplianceError, ComplianceErrorCode } from 'src/compliance/compliance.errors';

export type ComplianceRule = 'do_not_call' | 'frequency_cap';

// Why a call may not be placed.
export interface ComplianceRefusal {
  rule: ComplianceRule;
  message: string;
}

export interface ComplianceCheckOptions {
  // Also honour this campaign's own do-not-call list.
  campaignId?: string | null;
  // For a call already queued: its creation time. The call is itself one of the calls to the number, so only
  // the calls asked for before it count towards the frequency cap.
  queuedAt?: Date;
  // Read inside the caller's transaction.
  manager?: EntityManager;
}

export interface FrequencyCap {
  calls: number;
  windowS: number;
}

// The one compliance check every feature uses before a call is placed (admin callouts, the callouts worker right
// before dialling, campaigns, inbound callbacks-instead-of-waiting). Campaigns check whole sets of numbers in their
// claim with the SQL fragments of compliance-sql.ts, which state the same rules.
@Injectable()
export class ComplianceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsQueryService,
    private readonly config: AppConfig,
  ) {}

  frequencyCap(): FrequencyCap {
    const { calls, windowH } = this.config.campaigns.frequencyCap;
    return { calls, windowS: windowH * 3600 };
  }

  // null when the number (E.164) may be called now.
  async check(e164: string, options: ComplianceCheckOptions = {}): Promise<ComplianceRefusal | null> {
    const campaignId = options.campaignId ?? null;
    const rows: { global: boolean; campaign: boolean }[] = await (options.manager ?? this.dataSource).query(
      `SELECT ${dncGlobalSql('$1')} AS global, ($2::uuid IS NOT NULL AND ${dncCampaignSql('$1', '$2')}) AS campaign`,
      [e164, campaignId],
    );
    if (rows[0]?.global) return { rule: 'do_not_call', message: 'the number is on the global do-not-call list' };
    if (rows[0]?.campaign) return { rule: 'do_not_call', message: "the number is on the campaign's do-not-call list" };

    const cap = this.frequencyCap();
    const since = new Date(Date.now() - cap.windowS * 1000);
    const recent = await this.calls.countRecentCallsTo(e164, since, { until: options.queuedAt, manager: options.manager });
    if (recent >= cap.calls) {
      return {
        rule: 'frequency_cap',
        message: `the number was called ${recent} times in the last ${cap.windowS / 3600} h; the frequency cap allows ${cap.calls}`,
      };
    }
    return null;
  }

  // Refuses a request whose `field` names a number that may not be called: 400 naming the field and the rule.
  async assertCallable(e164: string, field: string, options: ComplianceCheckOptions = {}): Promise<void> {
    const refusal = await this.check(e164, options);
    if (!refusal) return;
    const message = `${field} may not be called: ${refusal.message}`;
    throw new ComplianceError(ComplianceErrorCode.NotCallable, message, [{ field, rule: refusal.rule, message }]);
  }
}
