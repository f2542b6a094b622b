import { Injectable } from '@nestjs/common';
import type { MoneyTotal } from 'src/calls/calls.module';
import {
  CallRollups,
  REPORT_DIMENSIONS,
  REPORT_FILTERS,
  REPORT_MEASURES,
  REPORT_TIME_DIMENSIONS,
  type BillingAnomalies,
  type CostReportQuery,
  type CostReportFigures,
  type CostReportRow,
  type ReportDimension,
  type ReportFilter,
  type ReportMeasure,
} from 'src/calls/rollups/call-rollups.service';
import { CampaignStatsService } from 'src/campaigns/stats/campaign-stats.service';
import { invalidField } from 'src/common/validation';
import { AppConfig } from 'src/config/app-config';
import { csvLine } from 'src/reports/csv';
import type { AnomaliesQueryDto, CallsCsvQueryDto, CostReportQueryDto } from 'src/reports/dto/cost-report.query';

const DAY_MS = 86_400_000;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface CostReportItem extends Partial<Record<ReportDimension, string | null>>, CostReportFigures {
  // With groupBy campaign: spend over the campaign's completed contacts.
  costPerCompletedContact?: MoneyTotal[];
}

export interface CostReport {
  source: 'rollups' | 'raw';
  from: string;
  to: string;
  timeZone: string;
  groupBy: ReportDimension[];
  items: CostReportItem[];
  // Groups in all (items is one page of them).
  total: number;
  limit: number;
  offset: number;
  totals: CostReportItem;
}

// An exact decimal divided by a whole number, rounded half up to 6 places (money never goes through a float).
export function divideDecimal(amount: string, by: number): string {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const scaled = BigInt(whole + fraction.padEnd(12, '0').slice(0, 12)); // 12 places
  const q = (scaled * 2n) / BigInt(by) / 1_000_000n; // twice the 6-place quotient
  const rounded = (q + 1n) / 2n;
  const digits = rounded.toString().padStart(7, '0');
  const text = `${digits.slice(0, -6)}.${digits.slice(-6)}`.replace(/0+$/, '').replace(/\.$/, '');
  return negative && text !== '0' ? `-${text}` : text;
}

// Cost reports: validation of the period, zone, grouping and filters; the sums come from calls/' roll-ups.
@Injectable()
export class ReportsService {
  constructor(
    private readonly rollups: CallRollups,
    private readonly campaignStats: CampaignStatsService,
    private readonly config: AppConfig,
  ) {}

  async costs(dto: CostReportQueryDto): Promise<CostReport> {
    const query = await this.toQuery(dto);
    const [{ rows, groups }, totals] = await Promise.all([
      this.rollups.report(query),
      this.rollups.report({ ...query, groupBy: [], sort: undefined, limit: 1, offset: 0 }),
    ]);
    const perContact = await this.completedContacts(query, rows);
    return {
      source: query.source,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      timeZone: query.timeZone,
      groupBy: [...query.groupBy],
      items: rows.map((r) => this.toItem(r, perContact)),
      total: groups,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
      totals: totals.rows[0] ? this.toItem(totals.rows[0]) : { calls: 0, answered: 0, talkSeconds: 0, billedMinutes: 0, spend: [], costPerAnsweredCall: [] },
    };
  }

  // The report as CSV lines (one per group and currency), header first, in batches from a database cursor.
  async costsCsv(dto: CostReportQueryDto): Promise<{ header: string[]; batches: AsyncGenerator<string[]> }> {
    const query = await this.toQuery(dto);
    const header = [...query.groupBy, 'calls', 'answered', 'talk_seconds', 'billed_minutes', 'currency', 'spend', 'cost_per_answered_call'];
    async function* batches(rollups: CallRollups): AsyncGenerator<string[]> {
      for await (const batch of rollups.reportBatches(query)) {
        yield batch.flatMap((r) => {
          const keys = query.groupBy.map((d) => r.keys[d] ?? '');
          const base = [...keys, r.calls, r.answered, r.talkSeconds, r.billedMinutes];
          if (r.spend.length === 0) return [csvLine([...base, '', '', ''])];
          return r.spend.map((s) => csvLine([...base, s.currency, s.amount, r.costPerAnsweredCall.find((c) => c.currency === s.currency)?.amount ?? '']));
        });
      }
    }
    return { header, batches: batches(this.rollups) };
  }

  callsCsv(dto: CallsCsvQueryDto): { header: string[]; batches: AsyncGenerator<string[]> } {
    const { from, to } = this.period(dto, this.config.reports.maxPeriodDays);
    const header = [
      'id',
      'created_at',
      'direction',
      'kind',
      'state',
      'result',
      'reason',
      'from_number',
      'to_number',
      'country',
      'campaign_id',
      'queue_id',
      'conference_id',
      'initiated_at',
      'answered_at',
      'ended_at',
      'duration_s',
      'billed_minutes',
      'debit_amount',
      'debit_currency',
      'rate_amount',
      'rate_currency',
      'final_source',
    ];
    async function* batches(source: AsyncGenerator<Record<string, unknown>[]>): AsyncGenerator<string[]> {
      for await (const rows of source) yield rows.map((row) => csvLine(header.map((h) => row[h])));
    }
    return { header, batches: batches(this.rollups.callBatches(from, to)) };
  }

  anomalies(dto: AnomaliesQueryDto): Promise<BillingAnomalies> {
    const { from, to } = this.period(dto, this.config.reports.rawMaxPeriodDays);
    return this.rollups.billingAnomalies(from, to, dto.limit ?? 100);
  }

  private period(dto: { from: string; to: string }, maxDays: number): { from: Date; to: Date } {
    const from = new Date(dto.from);
    const to = new Date(dto.to);
    if (from >= to) throw invalidField('from', 'before_to', 'from must be before to');
    if (to.getTime() - from.getTime() > maxDays * DAY_MS) throw invalidField('to', 'max_period', `The period may be at most ${maxDays} days`);
    return { from, to };
  }

  private async toQuery(dto: CostReportQueryDto): Promise<CostReportQuery> {
    const source = dto.source ?? 'rollups';
    const { from, to } = this.period(dto, source === 'raw' ? this.config.reports.rawMaxPeriodDays : this.config.reports.maxPeriodDays);
    const timeZone = dto.timeZone ?? 'UTC';
    if (!(await this.rollups.isKnownTimeZone(timeZone)))
      throw invalidField('timeZone', 'iana_zone', `Unknown time zone ${timeZone} (an IANA name such as Europe/Stockholm)`);
    const groupBy = split(dto.groupBy);
    for (const g of groupBy) {
      if (!(REPORT_DIMENSIONS as readonly string[]).includes(g))
        throw invalidField('groupBy', 'enum', `groupBy ${g} is not one of ${REPORT_DIMENSIONS.join(', ')}`);
    }
    if (new Set(groupBy).size !== groupBy.length) throw invalidField('groupBy', 'unique', 'groupBy names a dimension twice');
    const filters: Partial<Record<ReportFilter, string[]>> = {};
    for (const f of REPORT_FILTERS) {
      const raw = dto[f];
      if (raw !== undefined) filters[f] = raw.split(',').map((v) => v.trim());
    }
    for (const c of filters.currency ?? [])
      if (!CURRENCIES.has(c)) throw invalidField('currency', 'iso4217', `Unknown currency ${c} (an ISO 4217 code such as USD)`);
    let sort: CostReportQuery['sort'];
    if (dto.sort) {
      const desc = dto.sort.startsWith('-');
      const by = dto.sort.replace(/^[-+]/, '');
      if (!(REPORT_MEASURES as readonly string[]).includes(by) && !groupBy.includes(by)) {
        throw invalidField('sort', 'enum', `sort must be a grouped dimension or one of ${REPORT_MEASURES.join(', ')}`);
      }
      sort = { by: by as ReportDimension | ReportMeasure, desc };
    }
    const query: CostReportQuery = { from, to, timeZone, groupBy: groupBy as ReportDimension[], filters, source, sort, limit: dto.limit, offset: dto.offset };
    // Hourly roll-ups cut days only at whole-hour offsets: a zone at :30 or :45 (India, Nepal...) is summed from the
    // call log, within the raw period limit.
    const timeBuckets = groupBy.some((g) => (REPORT_TIME_DIMENSIONS as readonly string[]).includes(g));
    if (source === 'rollups' && timeBuckets && (await this.rollups.hasPartHourOffset(timeZone, from, to))) {
      this.period(dto, this.config.reports.rawMaxPeriodDays);
      query.source = 'raw';
    }
    return query;
  }

  private async completedContacts(query: CostReportQuery, rows: CostReportRow[]): Promise<Map<string, number> | undefined> {
    if (!query.groupBy.includes('campaign')) return undefined;
    const ids = [...new Set(rows.map((r) => r.keys.campaign).filter((id): id is string => !!id))];
    return this.campaignStats.completedContacts(ids);
  }

  private toItem(row: CostReportRow, completed?: Map<string, number>): CostReportItem {
    const { keys, ...figures } = row;
    const item: CostReportItem = { ...keys, ...figures };
    if (completed) {
      const n = row.keys.campaign ? (completed.get(row.keys.campaign) ?? 0) : 0;
      item.costPerCompletedContact = n > 0 ? row.spend.map((s) => ({ currency: s.currency, amount: divideDecimal(s.amount, n) })) : [];
    }
    return item;
  }
}

const split = (value: string | undefined): string[] =>
  value
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : [];
