import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { AppConfig } from 'src/config/app-config';
import { dncCampaignSql, dncGlobalSql, RECENT_ABANDON_QUIET_H, recentAbandonUntilSql, recentCallsSql } from './compliance-sql';
import { ComplianceError } from 'src/compliance/compliance.errors';

export type ComplianceRule = 'do_not_call' | 'frequency_cap' | 'recent_abandon';

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
    return recent >= cap.calls ? frequencyCapRefusal(recent, cap) : null;
  }

  // check() for many numbers in one statement, as if they were asked for in this order: a number listed several
  // times counts its earlier entries towards the frequency cap. One answer per number, in the order given. The
  // callouts API's check, so it also refuses a number a campaign call abandoned within RECENT_ABANDON_QUIET_H (the
  // campaigns' dialer applies the same rule in its guards; check() does not, as it also serves the callbacks a
  // caller asked for and the campaign calls already guarded). Only the numbers with something to say come back.
  async checkMany(e164s: readonly string[], options: Pick<ComplianceCheckOptions, 'manager'> = {}): Promise<(ComplianceRefusal | null)[]> {
    if (e164s.length === 0) return [];
    const cap = this.frequencyCap();
    const since = new Date(Date.now() - cap.windowS * 1000);
    const rows: { phone: string; blocked: boolean; until: Date | null; recent: number }[] = await (options.manager ?? this.dataSource).query(
      `SELECT * FROM (SELECT p.phone, ${dncGlobalSql('p.phone')} AS blocked, ${recentAbandonUntilSql('p.phone')} AS until,
                             ${recentCallsSql('p.phone', '$2')} AS recent
                      FROM unnest($1::text[]) AS p(phone)) c
       WHERE blocked OR until IS NOT NULL OR recent > 0`,
      [[...new Set(e164s)], since],
    );
    const known = new Map(rows.map((r) => [r.phone, r]));
    const counted = new Map(rows.map((r) => [r.phone, r.recent]));
    return e164s.map((e164) => {
      const row = known.get(e164);
      if (row?.blocked) return { rule: 'do_not_call', message: 'the number is on the global do-not-call list' };
      if (row?.until) return recentAbandonRefusal(row.until);
      const calls = counted.get(e164) ?? 0;
      if (calls >= cap.calls) return frequencyCapRefusal(calls, cap);
      counted.set(e164, calls + 1);
      return null;
    });
  }

  // Refuses a request whose `field` names a number that may not be called: 400 naming the field and the rule.
  async assertCallable(e164: string, field: string, options: ComplianceCheckOptions = {}): Promise<void> {
    const refusal = await this.check(e164, options);
    if (refusal) throw notCallable(field, refusal);
  }
}

// The 400 of a number that may not be called, naming the request's field and the rule.
export function notCallable(field: string, refusal: ComplianceRefusal): ComplianceError {
  const message = `${field} may not be called: ${refusal.message}`;
  return new ComplianceError('not_callable', message, [{ field, rule: refusal.rule, message }]);
}

const frequencyCapRefusal = (recent: number, cap: FrequencyCap): ComplianceRefusal => ({
  rule: 'frequency_cap',
  message: `the number was called ${recent} times in the last ${cap.windowS / 3600} h; the frequency cap allows ${cap.calls}`,
});

const recentAbandonRefusal = (until: Date): ComplianceRefusal => ({
  rule: 'recent_abandon',
  message: `a campaign call abandoned this person (answered, no agent) less than ${RECENT_ABANDON_QUIET_H} h ago; it may be called again from ${until.toISOString()}`,
});
