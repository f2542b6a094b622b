import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SQL_FINAL_STATES } from 'src/calls/call-state';
import type { CallTotals, MoneyTotal } from 'src/calls/calls-query.service';
import { dimensionSql, isCountedSql, measureSql, type RollupDimension } from 'src/calls/rollups/call-rollup-sql';
import { cursorRows, readRows } from 'src/calls/rollups/pg-cursor';

// What a cost report groups and filters by (the reports feature validates them; the SQL lives here with the table).
export const REPORT_TIME_DIMENSIONS = ['day', 'week', 'month'] as const;
export const REPORT_DIMENSIONS = [
  ...REPORT_TIME_DIMENSIONS,
  'campaign',
  'queue',
  'conference',
  'country',
  'callerId',
  'numberDialled',
  'direction',
  'result',
  'agent',
] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
export const REPORT_FILTERS = ['campaign', 'queue', 'conference', 'country', 'callerId', 'numberDialled', 'direction', 'result', 'agent', 'currency'] as const;
export type ReportFilter = (typeof REPORT_FILTERS)[number];
export const REPORT_MEASURES = ['calls', 'answered', 'talkSeconds', 'billedMinutes'] as const;
export type ReportMeasure = (typeof REPORT_MEASURES)[number];

const COLUMN: Record<Exclude<ReportDimension, 'day' | 'week' | 'month'> | 'currency', RollupDimension> = {
  campaign: 'campaign_id',
  queue: 'queue_id',
  conference: 'conference_id',
  country: 'country',
  callerId: 'caller_id',
  numberDialled: 'number_dialled',
  direction: 'direction',
  result: 'result',
  agent: 'agent_id',
  currency: 'currency',
};
// The roll-up measures a report sums.
const REPORT_SUMS = ['calls', 'answered', 'talk_s', 'billed_minutes', 'spend'] as const;
const MEASURE_COLUMN: Record<ReportMeasure, string> = { calls: 'calls', answered: 'answered', talkSeconds: 'talk_s', billedMinutes: 'billed_minutes' };

export interface CostReportQuery {
  from: Date;
  to: Date;
  timeZone: string;
  groupBy: readonly ReportDimension[];
  filters: Partial<Record<ReportFilter, readonly string[]>>;
  // rollups: the roll-ups for whole hours and the call log for the partial hours at the edges; raw: the call log.
  source: 'rollups' | 'raw';
  sort?: { by: ReportDimension | ReportMeasure; desc: boolean };
  limit?: number;
  offset?: number;
}

// A report row's figures: one per measure, and the money per currency (exact decimals, never added across currencies).
export interface CostReportFigures extends Record<ReportMeasure, number> {
  spend: MoneyTotal[];
  costPerAnsweredCall: MoneyTotal[];
}

export interface CostReportRow extends CostReportFigures {
  // Each grouped dimension's value (null: none, e.g. a call without campaign); days as YYYY-MM-DD in the zone.
  keys: Partial<Record<ReportDimension, string | null>>;
}

const RATE_CALL_IDS = 20;

export interface DebitMismatch {
  callId: string;
  createdAt: Date;
  toNumber: string | null;
  country: string | null;
  durationS: number | null;
  billedMinutes: number;
  rate: string;
  rateCurrency: string;
  debit: string;
  debitCurrency: string;
  // rate x billed minutes.
  expected: string;
}

export interface RateChange {
  country: string | null;
  currency: string;
  // Each rate seen, oldest first, with how many calls and the first of them.
  rates: { rate: string; calls: number; firstAt: string; lastAt: string; callIds: string[] }[];
}

export interface BillingAnomalies {
  debitMismatches: DebitMismatch[];
  rateChanges: RateChange[];
}

export interface CampaignCallFigures extends CallTotals {
  spend: MoneyTotal[];
}

interface ReportSqlRow {
  k: (string | null)[];
  calls: string;
  answered: string;
  talk_s: string;
  billed_minutes: string;
  spend: { currency: string; amount: string; per_answered: string | null }[] | null;
  groups: string;
}

// Whole UTC hours inside [from, to): the span the roll-ups answer; the rest comes from the call log.
function wholeHours(from: Date, to: Date): { start: Date; end: Date } | undefined {
  const hour = 3_600_000;
  const start = new Date(Math.ceil(from.getTime() / hour) * hour);
  const end = new Date(Math.floor(to.getTime() / hour) * hour);
  return start < end ? { start, end } : undefined;
}

// The call log and billing record summed: cost reports, campaign figures and their CSV streams.
@Injectable()
export class CallRollups {
  private readonly pool: Pool;
  private readonly knownZones = new Set<string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  // Zones whose offset is not a whole hour somewhere in the period: hourly roll-ups cannot cut their days.
  async hasPartHourOffset(timeZone: string, from: Date, to: Date): Promise<boolean> {
    const rows: { part: boolean }[] = await this.dataSource.query(
      `SELECT coalesce(bool_or(extract(minute FROM (t AT TIME ZONE $1) - (t AT TIME ZONE 'UTC')) <> 0), false) AS part
       FROM generate_series($2::timestamptz, $3::timestamptz + interval '1 day', interval '1 day') t`,
      [timeZone, from, to],
    );
    return rows[0]?.part ?? false;
  }

  // Postgres' zone names are fixed while it runs (its tz database is read at start): remembered once known.
  async isKnownTimeZone(timeZone: string): Promise<boolean> {
    if (this.knownZones.has(timeZone)) return true;
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [timeZone]);
    if (rows.length > 0 && this.knownZones.size < 1000) this.knownZones.add(timeZone);
    return rows.length > 0;
  }

  async report(query: CostReportQuery): Promise<{ rows: CostReportRow[]; groups: number }> {
    const { sql, params } = this.reportSql(query, true);
    const rows = await readRows<ReportSqlRow>(this.pool, sql, params);
    return { rows: rows.map((r) => this.toRow(query, r)), groups: rows.length > 0 ? Number(rows[0].groups) : 0 };
  }

  // Every row of the report, in batches, through a cursor (no paging).
  async *reportBatches(query: CostReportQuery): AsyncGenerator<CostReportRow[]> {
    const { sql, params } = this.reportSql(query, false);
    for await (const batch of cursorRows<ReportSqlRow>(this.pool, sql, params)) yield batch.map((r) => this.toRow(query, r));
  }

  // The call log of a period, oldest first, in batches (the per-call CSV export).
  callBatches(from: Date, to: Date): AsyncGenerator<Record<string, unknown>[]> {
    return cursorRows(
      this.pool,
      `SELECT id, created_at, direction, kind, state, result, reason, from_number, to_number, trim(country) AS country,
         campaign_id, queue_id, conference_id, initiated_at, answered_at, ended_at, duration_s,
         ${measureSql('c').billed_minutes} AS billed_minutes, debit_amount::text AS debit_amount, trim(debit_currency) AS debit_currency,
         rate_amount::text AS rate_amount, trim(rate_currency) AS rate_currency, final_source
       FROM calls c WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id`,
      [from, to],
    );
  }

  // Billing checks over the call log of a period: calls whose debit is not their rate times their billed minutes
  // (Sinch bills per started minute; a micro-unit of rounding is allowed), and destinations (country and currency)
  // billed at more than one rate, each rate with its calls.
  async billingAnomalies(from: Date, to: Date, limit: number): Promise<BillingAnomalies> {
    const billed = measureSql('c').billed_minutes;
    const debits: DebitMismatch[] = await this.dataSource.query(
      `SELECT id AS "callId", created_at AS "createdAt", to_number AS "toNumber", trim(country) AS country, duration_s AS "durationS",
         (${billed})::int AS "billedMinutes", rate_amount::text AS rate, trim(rate_currency) AS "rateCurrency",
         debit_amount::text AS debit, trim(debit_currency) AS "debitCurrency", (rate_amount * ${billed})::text AS expected
       FROM calls c
       WHERE created_at >= $1 AND created_at < $2 AND debit_amount IS NOT NULL AND rate_amount IS NOT NULL
         AND (debit_currency <> rate_currency OR abs(debit_amount - rate_amount * ${billed}) > 0.000001)
       ORDER BY created_at, id LIMIT $3`,
      [from, to, limit],
    );
    const rates: RateChange[] = await this.dataSource.query(
      `SELECT country, currency, jsonb_agg(jsonb_build_object('rate', rate, 'calls', calls, 'firstAt', first_at, 'lastAt', last_at, 'callIds', call_ids)
           ORDER BY first_at) AS rates
       FROM (
         SELECT trim(country) AS country, trim(rate_currency) AS currency, rate_amount::text AS rate, count(*)::int AS calls,
           min(created_at) AS first_at, max(created_at) AS last_at, (array_agg(id ORDER BY created_at, id))[1:${RATE_CALL_IDS}] AS call_ids,
           count(*) OVER (PARTITION BY trim(country), trim(rate_currency)) AS rate_count
         FROM calls WHERE created_at >= $1 AND created_at < $2 AND rate_amount IS NOT NULL
         GROUP BY 1, 2, 3
       ) r WHERE rate_count > 1 GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $3`,
      [from, to, limit],
    );
    for (const d of debits) {
      for (const k of ['rate', 'debit', 'expected'] as const) d[k] = trimDecimal(d[k]);
    }
    for (const r of rates) for (const rate of r.rates) rate.rate = trimDecimal(rate.rate);
    return { debitMismatches: debits, rateChanges: rates };
  }

  // Campaign stats: finished calls from the roll-ups (one index range of the campaign's rows), calls in flight and
  // the placing rate from two partial indexes of calls; one statement, so a call finishing meanwhile counts once.
  async campaignFigures(campaignId: string): Promise<CampaignCallFigures> {
    const rows: { state: string; result: string; calls: string; placed: string; answered: string; talked: string; talk_s: string }[] =
      await this.dataSource.query(
        `SELECT state, result, sum(calls)::text AS calls, sum(placed)::text AS placed, sum(answered)::text AS answered,
           sum(talked)::text AS talked, sum(talk_s)::text AS talk_s
         FROM (
           SELECT state, result, calls, placed, answered, talked, talk_s FROM call_rollups WHERE campaign_id = $1
           UNION ALL
           SELECT state, coalesce(result, ''), 1, (sinch_call_id IS NOT NULL)::int, 0, 0, 0 FROM calls
           WHERE campaign_id = $2::uuid AND state NOT IN (${SQL_FINAL_STATES})
         ) x GROUP BY 1, 2`,
        [campaignId, campaignId],
      );
    const [rate] = await this.dataSource.query<{ last_minute: number; first_at: Date | null; last_at: Date | null }[]>(
      `SELECT (SELECT count(*)::int FROM calls WHERE campaign_id = $1 AND initiated_at > now() - interval '60 seconds') AS last_minute,
         (SELECT min(initiated_at) FROM calls WHERE campaign_id = $1 AND initiated_at IS NOT NULL) AS first_at,
         (SELECT max(initiated_at) FROM calls WHERE campaign_id = $1 AND initiated_at IS NOT NULL) AS last_at`,
      [campaignId],
    );
    const final = new Set(SQL_FINAL_STATES.replace(/'/g, '').split(', '));
    const byState: Record<string, number> = {};
    const byResult: Record<string, number> = {};
    let total = 0,
      placed = 0,
      inFlight = 0,
      answered = 0,
      placedFinal = 0,
      talked = 0;
    let talkS = 0n;
    for (const r of rows) {
      const n = Number(r.calls);
      if (n === 0) continue;
      total += n;
      placed += Number(r.placed);
      answered += Number(r.answered);
      if (final.has(r.state)) placedFinal += Number(r.placed);
      else inFlight += n;
      if (r.state === 'completed') {
        talked += Number(r.talked);
        talkS += BigInt(r.talk_s);
      }
      byState[r.state] = (byState[r.state] ?? 0) + n;
      const result = r.result === '' ? 'none' : r.result;
      byResult[result] = (byResult[result] ?? 0) + n;
    }
    return {
      total,
      placed,
      inFlight,
      answered,
      placedFinal,
      averageTalkS: talked === 0 ? null : String(Number(talkS) / talked),
      initiatedLastMinute: rate.last_minute,
      firstInitiatedAt: rate.first_at,
      lastInitiatedAt: rate.last_at,
      byState,
      byResult,
      spend: await this.campaignSpend(campaignId),
    };
  }

  // Spend in one currency of the calls created since an instant on a whole hour (budgets' periods), optionally of
  // one campaign or queue: the hourly roll-ups, summed by Postgres (exact numeric).
  async spendSince(since: Date, currency: string, scope: { campaignId?: string; queueId?: string }): Promise<string> {
    const [row] = await this.dataSource.query<{ spend: string }[]>(
      `SELECT coalesce(sum(spend), 0)::text AS spend FROM call_rollups
       WHERE bucket >= $1 AND currency = $2 AND ($3::text IS NULL OR campaign_id = $3) AND ($4::text IS NULL OR queue_id = $4)`,
      [since, currency, scope.campaignId ?? null, scope.queueId ?? null],
    );
    return row.spend;
  }

  // Summed by Postgres (exact numeric), never in JavaScript.
  private campaignSpend(campaignId: string): Promise<MoneyTotal[]> {
    return this.dataSource.query(
      `SELECT currency, sum(spend)::text AS amount FROM call_rollups WHERE campaign_id = $1 AND currency <> '' GROUP BY 1 HAVING sum(calls) > 0 ORDER BY 1`,
      [campaignId],
    );
  }

  private reportSql(query: CostReportQuery, paged: boolean): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    let tz: string | undefined; // a parameter only when a time bucket uses it (Postgres cannot type an unused one)
    const zone = (): string => (tz ??= `${p(query.timeZone)}::text`);
    const timed = query.groupBy.some((d) => (REPORT_TIME_DIMENSIONS as readonly string[]).includes(d));
    // What each part returns: the instant (with a time grouping), the grouped dimensions' columns and the currency,
    // and the measures a report shows. Filters are applied in each part, on its own columns.
    const groupCols = [
      ...new Set<RollupDimension>([
        ...query.groupBy.filter((d): d is Exclude<ReportDimension, 'day' | 'week' | 'month'> => d in COLUMN).map((d) => COLUMN[d]),
        'currency',
      ]),
    ];
    const filterParams = Object.entries(query.filters)
      .filter(([, values]) => values && values.length > 0)
      .map(([f, values]) => [COLUMN[f as ReportFilter], p(values)] as const);
    const filtered = (expr: (c: RollupDimension) => string): string => filterParams.map(([c, param]) => ` AND ${expr(c)} = ANY(${param}::text[])`).join('');
    // A roll-up tier summed per instant and group before the union: the report's expressions (zone, buckets) then
    // run over a few thousand rows, not over every roll-up row.
    const tier = (table: string, at: string, where: string): string => {
      const selected = [...(timed ? [`${at} AS at`] : []), ...groupCols.map((c) => `r.${c}`)];
      return `SELECT ${selected.join(', ')}, ${REPORT_SUMS.map((m) => `sum(r.${m}) AS ${m}`).join(', ')}
        FROM ${table} r WHERE (${where})${filtered((c) => `r.${c}`)} GROUP BY ${selected.map((_, i) => i + 1).join(', ')}`;
    };
    const dims = dimensionSql('c');
    const measures = measureSql('c');
    // The call log, one row per call (a GROUP BY over it is the audit path: no grouping before the report's own).
    const rawSelect = (where: string) =>
      `SELECT ${[...(timed ? ['c.created_at'] : []), ...groupCols.map((c) => dims[c]), ...REPORT_SUMS.map((m) => measures[m])].join(', ')}
       FROM calls c WHERE ${isCountedSql('c')} AND (${where})${filtered((c) => dims[c])}`;
    const hours = query.source === 'rollups' ? wholeHours(query.from, query.to) : undefined;
    const from = p(query.from);
    const to = p(query.to);
    let source: string;
    if (hours) {
      // Three tiers, each for the span the next cannot cut: the daily rows for the whole local days, the hourly rows
      // for the whole hours around them, the call log for the partial hours at the edges.
      const start = p(hours.start);
      const end = p(hours.end);
      // The whole local days of the tier's zone inside the whole hours, read in the same statement (one snapshot of
      // the zone). One row, read by the parts as scalar subqueries (a join with it would be planned for ~1,000 rows:
      // the settings table is never analysed). Without whole days, both bounds are the end: all hourly.
      const days = `SELECT zone, first, "end", CASE WHEN ok THEN first::timestamp AT TIME ZONE zone ELSE ${end}::timestamptz END AS start_at,
          CASE WHEN ok THEN "end"::timestamp AT TIME ZONE zone ELSE ${end}::timestamptz END AS end_at
        FROM (SELECT zone, first, "end", first < "end" AS ok
          FROM (SELECT day_zone AS zone, CASE WHEN (d0::timestamp AT TIME ZONE day_zone) >= ${start}::timestamptz THEN d0 ELSE d0 + 1 END AS first, d1 AS "end"
            FROM (SELECT day_zone, (${start}::timestamptz AT TIME ZONE day_zone)::date AS d0, (${end}::timestamptz AT TIME ZONE day_zone)::date AS d1
              FROM call_rollups_settings LIMIT 1) z) b) c`;
      // A tier day counts in the report's day / week / month of the same date. With the tier's zone that is exact;
      // in another zone (both whole hours from UTC: enforced) some hours of a tier day belong to another bucket of
      // the report: those hours only (one a day between UTC and Stockholm in winter) are moved, from the hourly tier:
      // taken out of the bucket their day counted in, added to their own.
      const timeDims = query.groupBy.filter((d) => (REPORT_TIME_DIMENSIONS as readonly string[]).includes(d));
      const dayAt = (bucket: string): string => `((${bucket} AT TIME ZONE (SELECT zone FROM s))::date)::timestamp AT TIME ZONE ${zone()}`;
      const moved = timed
        ? `, h AS MATERIALIZED (SELECT b FROM s, generate_series(s.start_at, s.end_at - interval '1 hour', interval '1 hour') b
            WHERE ${timeDims.map((d) => `date_trunc('${d}', b AT TIME ZONE ${zone()}) <> date_trunc('${d}', ${dayAt('b')} AT TIME ZONE ${zone()})`).join(' OR ')})`
        : '';
      const selectedMoved = timed ? [`CASE WHEN n.sign = 1 THEN r.bucket ELSE ${dayAt('r.bucket')} END AS at`, ...groupCols.map((c) => `r.${c}`)] : [];
      source = `WITH s AS MATERIALIZED (${days})${moved}
        ${tier(
          'call_rollups_daily',
          timed ? `r.day::timestamp AT TIME ZONE ${zone()}` : '',
          'r.day >= (SELECT first FROM s) AND r.day < (SELECT "end" FROM s) AND (SELECT start_at < end_at FROM s)',
        )}
        UNION ALL ${tier(
          'call_rollups',
          'r.bucket',
          `(r.bucket >= ${start} AND r.bucket < (SELECT start_at FROM s)) OR (r.bucket >= (SELECT end_at FROM s) AND r.bucket < ${end})`,
        )}
        ${
          timed
            ? `UNION ALL SELECT ${selectedMoved.join(', ')}, ${REPORT_SUMS.map((m) => `sum(n.sign * r.${m}) AS ${m}`).join(', ')}
          FROM call_rollups r CROSS JOIN (VALUES (1), (-1)) n(sign)
          WHERE r.bucket = ANY(ARRAY(SELECT b FROM h))${filtered((c) => `r.${c}`)} GROUP BY ${selectedMoved.map((_, i) => i + 1).join(', ')}`
            : ''
        }
        UNION ALL ${rawSelect(`(c.created_at >= ${from} AND c.created_at < ${start}) OR (c.created_at >= ${end} AND c.created_at < ${to})`)}`;
    } else {
      source = rawSelect(`c.created_at >= ${from} AND c.created_at < ${to}`);
    }
    const cols = [...(timed ? ['at'] : []), ...groupCols, ...REPORT_SUMS].join(', ');
    const keyExprs = query.groupBy.map((d) =>
      d === 'day' || d === 'week' || d === 'month' ? `to_char(date_trunc('${d}', x.at AT TIME ZONE ${zone()}), 'YYYY-MM-DD')` : `x.${COLUMN[d]}`,
    );
    const keys = keyExprs.map((_, i) => `k${i}`);
    // The sort key first (a measure or a grouped dimension), then the grouped dimensions in order: a stable page.
    const sortBy = query.sort?.by;
    const dir = query.sort?.desc ? 'DESC' : 'ASC';
    const sortedKey = sortBy ? query.groupBy.indexOf(sortBy as ReportDimension) : -1;
    const order = [
      ...(sortBy && sortBy in MEASURE_COLUMN ? [`${MEASURE_COLUMN[sortBy as ReportMeasure]} ${dir}`] : []),
      ...(sortedKey >= 0 ? [`k${sortedKey} ${dir}`] : []),
      ...keys.filter((_, i) => i !== sortedKey).map((k) => `${k} ASC`),
    ];
    const groupKeys = keys.length > 0 ? keys.join(', ') + ', ' : '';
    const sql = `
      WITH x AS (SELECT ${cols} FROM (${source}) s(${cols})),
      g AS (
        SELECT ${keyExprs.map((e, i) => `${e} AS k${i}, `).join('')}x.currency, sum(x.calls) AS calls, sum(x.answered) AS answered,
          sum(x.talk_s) AS talk_s, sum(x.billed_minutes) AS billed_minutes, sum(x.spend) AS spend
        FROM x
        GROUP BY ${groupKeys}x.currency
        HAVING sum(x.calls) > 0
      ),
      r AS (
        SELECT ${groupKeys}sum(calls) AS calls, sum(answered) AS answered, sum(talk_s) AS talk_s, sum(billed_minutes) AS billed_minutes,
          jsonb_agg(jsonb_build_object('currency', currency, 'amount', spend::text)) FILTER (WHERE currency <> '') AS spend_list
        FROM g ${keys.length > 0 ? `GROUP BY ${keys.join(', ')}` : 'HAVING count(*) > 0'}
      )
      SELECT ${keys.length > 0 ? `jsonb_build_array(${keys.join(', ')})` : `'[]'::jsonb`} AS k, calls::text, answered::text, talk_s::text, billed_minutes::text,
        (SELECT jsonb_agg(jsonb_build_object('currency', e->>'currency', 'amount', e->>'amount',
            'per_answered', CASE WHEN r.answered > 0 THEN round((e->>'amount')::numeric / r.answered, 6)::text END) ORDER BY e->>'currency')
         FROM jsonb_array_elements(r.spend_list) e) AS spend,
        count(*) OVER () AS groups
      FROM r ${order.length > 0 ? `ORDER BY ${order.join(', ')}` : ''}
      ${paged ? `LIMIT ${p(query.limit ?? 100)} OFFSET ${p(query.offset ?? 0)}` : ''}`;
    return { sql, params };
  }

  private toRow(query: CostReportQuery, r: ReportSqlRow): CostReportRow {
    const keys: Partial<Record<ReportDimension, string | null>> = {};
    query.groupBy.forEach((d, i) => (keys[d] = r.k[i] === '' ? null : r.k[i]));
    const spend = r.spend ?? [];
    return {
      keys,
      calls: Number(r.calls),
      answered: Number(r.answered),
      talkSeconds: Number(r.talk_s),
      billedMinutes: Number(r.billed_minutes),
      spend: spend.map((s) => ({ currency: s.currency, amount: trimDecimal(s.amount) })),
      costPerAnsweredCall: spend.filter((s) => s.per_answered !== null).map((s) => ({ currency: s.currency, amount: trimDecimal(s.per_answered as string) })),
    };
  }
}

// numeric's text without trailing zeros ("1.500000" -> "1.5", "2.000000" -> "2").
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
