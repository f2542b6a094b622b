import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallRollups } from 'src/calls/rollups/call-rollups.service';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { trimDecimal } from 'src/campaigns/dto/campaign.response';
import { DialStatsReader } from 'src/campaigns/dialer/dial-stats.service';
import type { CampaignStatsResponse } from './campaign-stats.response';

const ratio = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

// Campaign figures from the call log's roll-ups (finished calls, kept by the statement that finalises each call) plus
// the campaign's calls still in flight, and the campaign's own contacts and attempts: O(1) rows at any campaign size,
// and they agree with what GET /api/v1/calls?campaignId= shows.
@Injectable()
export class CampaignStatsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly rollups: CallRollups,
    private readonly dialStats: DialStatsReader,
  ) {}

  async forCampaign(id: string): Promise<CampaignStatsResponse> {
    const campaign = await this.campaigns.findOrFail(id);
    const totals = await this.rollups.campaignFigures(id);
    const spend = totals.spend;
    const contacts = await this.counts('SELECT status AS k, count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 GROUP BY status', id);
    const outcomes = await this.counts('SELECT outcome AS k, count(*)::int AS n FROM campaign_attempts WHERE campaign_id = $1 GROUP BY outcome', id);

    const spanS = totals.firstInitiatedAt && totals.lastInitiatedAt ? (totals.lastInitiatedAt.getTime() - totals.firstInitiatedAt.getTime()) / 1000 : 0;
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      campaignId: id,
      status: campaign.status,
      contacts: { total: sum(contacts), byStatus: contacts },
      attempts: { total: sum(outcomes), byOutcome: outcomes },
      calls: { total: totals.total, placed: totals.placed, inFlight: totals.inFlight, byState: totals.byState, byResult: totals.byResult },
      answerRate: ratio(totals.answered, totals.placedFinal),
      machineRate: ratio(outcomes.machine ?? 0, totals.answered),
      optOuts: outcomes.opted_out ?? 0,
      spend: spend.map((s) => ({ currency: s.currency, amount: trimDecimal(s.amount) })),
      averageTalkTimeS: totals.averageTalkS === null ? null : Math.round(Number(totals.averageTalkS) * 10) / 10,
      callsPerSecond: {
        configured: Number(campaign.callsPerSecond),
        lastMinute: Math.round((totals.initiatedLastMinute / 60) * 1000) / 1000,
        // n calls placed over a span start n - 1 intervals.
        overall: totals.placed > 1 && spanS > 0 ? Math.round(((totals.placed - 1) / spanS) * 1000) / 1000 : null,
      },
      dialing: await this.dialStats.of(campaign),
    };
  }

  // Completed contacts per campaign (reports' cost per completed contact).
  async completedContacts(campaignIds: string[]): Promise<Map<string, number>> {
    if (campaignIds.length === 0) return new Map();
    const rows: { id: string; n: number }[] = await this.dataSource.query(
      `SELECT campaign_id AS id, count(*)::int AS n FROM campaign_contacts WHERE campaign_id = ANY($1::uuid[]) AND status = 'completed' GROUP BY 1`,
      [campaignIds],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  private async counts(sql: string, id: string): Promise<Record<string, number>> {
    const rows: { k: string; n: number }[] = await this.dataSource.query(sql, [id]);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }
}
