import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SQL_FINAL_STATES } from 'src/calls/call-state';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { trimDecimal } from 'src/campaigns/dto/campaign.response';
import type { CampaignStatsResponse } from './campaign-stats.response';

interface CallTotals {
  total: number;
  placed: number;
  in_flight: number;
  answered: number;
  placed_final: number;
  avg_talk: string | null;
  last_minute: number;
  first_at: Date | null;
  last_at: Date | null;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

// Campaign figures computed from the call log (calls with this campaign_id) and the campaign's own contacts and
// attempts, each in one query, so they agree with what GET /api/v1/calls?campaignId= shows.
@Injectable()
export class CampaignStatsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
  ) {}

  async forCampaign(id: string): Promise<CampaignStatsResponse> {
    const campaign = await this.campaigns.findOrFail(id);
    const [totals] = await this.dataSource.query<CallTotals[]>(
      `SELECT count(*)::int AS total,
         count(*) FILTER (WHERE sinch_call_id IS NOT NULL)::int AS placed,
         count(*) FILTER (WHERE state NOT IN (${SQL_FINAL_STATES}))::int AS in_flight,
         count(*) FILTER (WHERE state = 'completed')::int AS answered,
         count(*) FILTER (WHERE sinch_call_id IS NOT NULL AND state IN (${SQL_FINAL_STATES}))::int AS placed_final,
         avg(duration_s) FILTER (WHERE state = 'completed' AND duration_s > 0)::text AS avg_talk,
         count(*) FILTER (WHERE initiated_at > now() - interval '60 seconds')::int AS last_minute,
         min(initiated_at) AS first_at, max(initiated_at) AS last_at
       FROM calls WHERE campaign_id = $1`,
      [id],
    );
    const byState = await this.counts('SELECT state AS k, count(*)::int AS n FROM calls WHERE campaign_id = $1 GROUP BY state', id);
    const byResult = await this.counts(`SELECT coalesce(result, 'none') AS k, count(*)::int AS n FROM calls WHERE campaign_id = $1 GROUP BY 1`, id);
    const spend: { currency: string; amount: string }[] = await this.dataSource.query(
      `SELECT trim(debit_currency) AS currency, sum(debit_amount)::text AS amount FROM calls
       WHERE campaign_id = $1 AND debit_amount IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [id],
    );
    const contacts = await this.counts('SELECT status AS k, count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 GROUP BY status', id);
    const outcomes = await this.counts('SELECT outcome AS k, count(*)::int AS n FROM campaign_attempts WHERE campaign_id = $1 GROUP BY outcome', id);

    const spanS = totals.first_at && totals.last_at ? (totals.last_at.getTime() - totals.first_at.getTime()) / 1000 : 0;
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      campaignId: id,
      status: campaign.status,
      contacts: { total: sum(contacts), byStatus: contacts },
      attempts: { total: sum(outcomes), byOutcome: outcomes },
      calls: { total: totals.total, placed: totals.placed, inFlight: totals.in_flight, byState, byResult },
      answerRate: ratio(totals.answered, totals.placed_final),
      machineRate: ratio(outcomes.machine ?? 0, totals.answered),
      optOuts: outcomes.opted_out ?? 0,
      spend: spend.map((s) => ({ currency: s.currency, amount: trimDecimal(s.amount) })),
      averageTalkTimeS: totals.avg_talk === null ? null : Math.round(Number(totals.avg_talk) * 10) / 10,
      callsPerSecond: {
        configured: Number(campaign.callsPerSecond),
        lastMinute: Math.round((totals.last_minute / 60) * 1000) / 1000,
        // n calls placed over a span start n - 1 intervals.
        overall: totals.placed > 1 && spanS > 0 ? Math.round(((totals.placed - 1) / spanS) * 1000) / 1000 : null,
      },
    };
  }

  private async counts(sql: string, id: string): Promise<Record<string, number>> {
    const rows: { k: string; n: number }[] = await this.dataSource.query(sql, [id]);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }
}
