import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { CampaignsError } from 'src/campaigns/campaigns.errors';
import { trimDecimal } from 'src/campaigns/dto/campaign.response';
import { NumberRates } from 'src/numbers/number-rates.service';
import type { CampaignEstimateQueryDto, CampaignEstimateResponse, EstimateBasis, EstimateCountry } from './campaign-estimate.dto';

// Finished calls a history needs before its answer rate and talk time are used.
export const ESTIMATE_MIN_SAMPLE = 20;
// Similar campaigns: other campaigns' outbound calls to the same countries over this many recent days.
const SIMILAR_DAYS = 30;

interface History {
  calls: number;
  answered: number;
  billedMinutes: number;
}

// What a campaign is expected to cost before it runs: its contacts still to call, by country, times the country's
// rate per minute (the numbers feature's rate cache: Sinch's queryNumber for one contact number of the country)
// times the answer rate and billed minutes per answered call (given, else the campaign's own finished calls, else
// similar campaigns'). A range per currency: low = every contact called once; high = every contact called up to the
// retry policy's most attempts (1 - (1 - p)^attempts of them answer). Money is computed by Postgres (numeric).
@Injectable()
export class CampaignEstimates {
  private readonly logger = new Logger('CampaignEstimates');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly rates: NumberRates,
  ) {}

  async forCampaign(id: string, given: CampaignEstimateQueryDto): Promise<CampaignEstimateResponse> {
    const campaign = await this.campaigns.findOrFail(id);
    const groups: { country: string | null; contacts: number; sample: string }[] = await this.dataSource.query(
      `SELECT country, count(*)::int AS contacts, min(phone) AS sample FROM campaign_contacts
       WHERE campaign_id = $1 AND status IN ('pending', 'in_progress') GROUP BY country ORDER BY country NULLS LAST`,
      [id],
    );
    const countries = groups.map((g) => g.country).filter((c): c is string => c !== null);
    const own = await this.history(`campaign_id = $1`, [id], 'call_rollups');
    const similar =
      own.calls >= ESTIMATE_MIN_SAMPLE
        ? own
        : await this.history(
            `campaign_id <> '' AND campaign_id <> $1 AND country = ANY($2::text[]) AND day >= current_date - ${SIMILAR_DAYS}`,
            [id, countries],
            'call_rollups_daily',
          );
    const from: EstimateBasis['answerRateFrom'] = own.calls >= ESTIMATE_MIN_SAMPLE ? 'campaign' : 'similar';
    const known = similar.calls >= ESTIMATE_MIN_SAMPLE;
    const missing = [given.answerRate === undefined && 'answerRate', given.talkSeconds === undefined && 'talkSeconds'].filter((f): f is string => !!f);
    if (!known && missing.length > 0) {
      const message = `${missing.join(', ')}: required, the campaign and similar campaigns have fewer than ${ESTIMATE_MIN_SAMPLE} finished calls`;
      throw new CampaignsError(
        'invalid_estimate',
        message,
        missing.map((field) => ({ field, rule: 'required_without_history', message })),
      );
    }
    const answerRate = given.answerRate ?? (similar.calls > 0 ? similar.answered / similar.calls : 0);
    const minutes = given.talkSeconds !== undefined ? Math.ceil(given.talkSeconds / 60) : similar.answered > 0 ? similar.billedMinutes / similar.answered : 0;
    const maxAttempts = Math.max(...Object.values(campaign.retryPolicy).map((r) => r.maxAttempts));
    const reached = 1 - (1 - answerRate) ** maxAttempts;

    const rates = await Promise.all(
      groups.map((g) =>
        this.rates.get(g.sample).then(
          (r) => r.rate,
          (error: unknown) => {
            // Unpriced (counted in `unpriced`), logged by country: never the contact's number.
            this.logger.warn(
              { campaignId: id, country: g.country, error: error instanceof Error ? error.message : String(error) },
              'Rate lookup failed for the estimate',
            );
            return null;
          },
        ),
      ),
    );
    const priced = groups.map((g, i) => ({ ...g, rate: rates[i] && { amount: trimDecimal(rates[i].amount), currency: rates[i].currency } }));
    const rows: { i: number; low: string; high: string }[] = await this.dataSource.query(
      `SELECT i, round(rate * n * $1::numeric * $3::numeric, 6)::text AS low, round(rate * n * $2::numeric * $3::numeric, 6)::text AS high
       FROM unnest($4::int[], $5::numeric[], $6::int[]) AS x(i, rate, n)`,
      [
        answerRate.toFixed(6),
        reached.toFixed(6),
        minutes.toFixed(4),
        priced.flatMap((g, i) => (g.rate ? [i] : [])),
        priced.flatMap((g) => (g.rate ? [g.rate.amount] : [])),
        priced.flatMap((g) => (g.rate ? [g.contacts] : [])),
      ],
    );
    const byCountry: EstimateCountry[] = priced.map((g) => ({ country: g.country, contacts: g.contacts, rate: g.rate, low: null, high: null }));
    for (const r of rows) Object.assign(byCountry[r.i], { low: trimDecimal(r.low), high: trimDecimal(r.high) });
    const totals: { currency: string; low: string; high: string }[] = await this.dataSource.query(
      `SELECT currency, sum(low)::text AS low, sum(high)::text AS high FROM unnest($1::text[], $2::numeric[], $3::numeric[]) AS x(currency, low, high)
       GROUP BY currency ORDER BY currency`,
      [
        byCountry.filter((c) => c.rate && c.low !== null).map((c) => c.rate!.currency),
        byCountry.filter((c) => c.rate && c.low !== null).map((c) => c.low),
        byCountry.filter((c) => c.rate && c.low !== null).map((c) => c.high),
      ],
    );
    return {
      campaignId: id,
      contacts: groups.reduce((n, g) => n + g.contacts, 0),
      basis: {
        answerRateFrom: given.answerRate !== undefined ? 'given' : from,
        answerRate: Math.round(answerRate * 10_000) / 10_000,
        minutesFrom: given.talkSeconds !== undefined ? 'given' : from,
        billedMinutesPerAnsweredCall: Math.round(minutes * 10_000) / 10_000,
        sampleCalls: given.answerRate !== undefined && given.talkSeconds !== undefined ? 0 : similar.calls,
        maxAttempts,
      },
      cost: totals.map((t) => ({ currency: t.currency, low: trimDecimal(t.low), high: trimDecimal(t.high) })),
      byCountry,
      unpriced: priced.filter((g) => !g.rate).reduce((n, g) => n + g.contacts, 0),
    };
  }

  // Placed outbound calls that finished, how many were answered and their billed minutes, from a roll-up tier.
  private async history(where: string, params: unknown[], table: string): Promise<History> {
    const [row] = await this.dataSource.query<{ calls: string; answered: string; billed: string }[]>(
      `SELECT coalesce(sum(placed), 0)::text AS calls, coalesce(sum(answered), 0)::text AS answered,
         coalesce(sum(billed_minutes) FILTER (WHERE state = 'completed'), 0)::text AS billed
       FROM ${table} WHERE direction = 'outbound' AND ${where}`,
      params,
    );
    return { calls: Number(row.calls), answered: Number(row.answered), billedMinutes: Number(row.billed) };
  }
}
