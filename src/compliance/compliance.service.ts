import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { AppConfig } from 'src/config/app-config';
import { dncCampaignSql, dncGlobalSql, RECENT_ABANDON_QUIET_H, recentAbandonUntilSql } from './compliance-sql';
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

  // check() for many numbers in three statements, as if they were asked for in this order: a number listed several
  // times counts its earlier entries towards the frequency cap. One answer per number, in the order given. The
  // callouts API's check, so it also refuses a number a campaign call abandoned within RECENT_ABANDON_QUIET_H (the
  // campaigns' dialer applies the same rule in its guards; check() does not, as it also serves the callbacks a
  // caller asked for and the campaign calls already guarded).
  async checkMany(e164s: readonly string[], options: Pick<ComplianceCheckOptions, 'manager'> = {}): Promise<(ComplianceRefusal | null)[]> {
    if (e164s.length === 0) return [];
    const runner = options.manager ?? this.dataSource;
    const distinct = [...new Set(e164s)];
    const cap = this.frequencyCap();
    const since = new Date(Date.now() - cap.windowS * 1000);
    const [blocked, abandoned, recent] = await Promise.all([
      runner.query(`SELECT p.phone FROM unnest($1::text[]) AS p(phone) WHERE ${dncGlobalSql('p.phone')}`, [distinct]) as Promise<{ phone: string }[]>,
      runner.query(
        `SELECT * FROM (SELECT p.phone, ${recentAbandonUntilSql('p.phone')} AS until FROM unnest($1::text[]) AS p(phone)) a WHERE until IS NOT NULL`,
        [distinct],
      ) as Promise<{ phone: string; until: Date }[]>,
      this.calls.countRecentCallsToMany(distinct, since, runner),
    ]);
    const onList = new Set(blocked.map((r) => r.phone));
    const abandonedUntil = new Map(abandoned.map((r) => [r.phone, r.until]));
    const counted = new Map(recent);
    return e164s.map((e164) => {
      if (onList.has(e164)) return { rule: 'do_not_call', message: 'the number is on the global do-not-call list' };
      const until = abandonedUntil.get(e164);
      if (until) return recentAbandonRefusal(until);
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
