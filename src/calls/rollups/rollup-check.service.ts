import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { contributionSelect, isCountedSql, ROLLUP_DIMENSIONS, ROLLUP_MEASURES, rollupUpsertSql } from 'src/calls/rollups/call-rollup-sql';
import { AppConfig } from 'src/config/app-config';
import { Metrics } from 'src/metrics/metrics';

const KEY = ['bucket', ...ROLLUP_DIMENSIONS];

// The roll-ups of recent hours against the call log, in one statement (one snapshot). Drift is repaired by adding
// the difference, not by overwriting: a call finalised meanwhile is in neither side of the snapshot, and its own
// increment lands on top of the repair, so a repair never undoes concurrent upkeep.
const CHECK_SQL = `
WITH raw AS (
  SELECT ${KEY.join(', ')}, ${ROLLUP_MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')}
  FROM (${contributionSelect('c', 1)} FROM calls c WHERE ${isCountedSql('c')} AND c.created_at >= $1) x
  GROUP BY ${KEY.join(', ')}
),
cur AS (SELECT ${KEY.join(', ')}, ${ROLLUP_MEASURES.join(', ')} FROM call_rollups WHERE bucket >= $1),
diff AS (
  SELECT ${KEY.join(', ')}, ${ROLLUP_MEASURES.map((m) => `coalesce(raw.${m}, 0) - coalesce(cur.${m}, 0) AS ${m}`).join(', ')}, 1 AS sign
  FROM raw FULL JOIN cur USING (${KEY.join(', ')})
  WHERE ${ROLLUP_MEASURES.map((m) => `coalesce(raw.${m}, 0) <> coalesce(cur.${m}, 0)`).join(' OR ')}
),
fix AS (${rollupUpsertSql('diff')})
SELECT count(*)::int AS keys, coalesce(sum(abs(calls)), 0)::int AS calls FROM diff`;

// The daily tier against the hourly one from the first whole local day after `since`, repaired the same way.
const DAILY_CHECK_SQL = `
WITH z AS (SELECT day_zone AS zone, ($1::timestamptz AT TIME ZONE day_zone)::date + 1 AS first FROM call_rollups_settings),
h AS (
  SELECT (r.bucket AT TIME ZONE z.zone)::date AS day, ${ROLLUP_DIMENSIONS.join(', ')}, ${ROLLUP_MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')}
  FROM call_rollups r, z WHERE r.bucket >= z.first::timestamp AT TIME ZONE z.zone
  GROUP BY 1, ${ROLLUP_DIMENSIONS.join(', ')}
),
d AS (SELECT day, ${ROLLUP_DIMENSIONS.join(', ')}, ${ROLLUP_MEASURES.join(', ')} FROM call_rollups_daily, z WHERE day >= z.first),
diff AS (
  SELECT day, ${ROLLUP_DIMENSIONS.join(', ')}, ${ROLLUP_MEASURES.map((m) => `coalesce(h.${m}, 0) - coalesce(d.${m}, 0) AS ${m}`).join(', ')}
  FROM h FULL JOIN d USING (day, ${ROLLUP_DIMENSIONS.join(', ')})
  WHERE ${ROLLUP_MEASURES.map((m) => `coalesce(h.${m}, 0) <> coalesce(d.${m}, 0)`).join(' OR ')}
),
fix AS (
  INSERT INTO call_rollups_daily (day, ${ROLLUP_DIMENSIONS.join(', ')}, ${ROLLUP_MEASURES.join(', ')})
  SELECT * FROM diff ORDER BY day, ${ROLLUP_DIMENSIONS.join(', ')}
  ON CONFLICT (day, ${ROLLUP_DIMENSIONS.join(', ')}) DO UPDATE SET ${ROLLUP_MEASURES.map((m) => `${m} = call_rollups_daily.${m} + excluded.${m}`).join(', ')}
)
SELECT count(*)::int AS keys FROM diff`;

export interface RollupCheckResult {
  since: string;
  // Roll-up rows that disagreed with the call log (and were repaired), and by how many calls in all.
  keysRepaired: number;
  callsMoved: number;
  // Daily-tier rows that disagreed with the hourly ones (and were repaired).
  dailyKeysRepaired: number;
}

const DAILY_MEASURES = ROLLUP_MEASURES.map((m) => `sum(${m})`).join(', ');

// Re-cuts the daily tier in another zone: under a lock that holds off every roll-up writer (their triggers would
// otherwise add to days of the old zone), the daily rows are rebuilt from the hourly ones.
const REZONE_SQL = [
  'LOCK TABLE call_rollups IN SHARE ROW EXCLUSIVE MODE',
  'UPDATE call_rollups_settings SET day_zone = $1',
  'DELETE FROM call_rollups_daily',
  `INSERT INTO call_rollups_daily (day, ${ROLLUP_DIMENSIONS.join(', ')}, ${ROLLUP_MEASURES.join(', ')})
   SELECT (bucket AT TIME ZONE $1)::date, ${ROLLUP_DIMENSIONS.join(', ')}, ${DAILY_MEASURES}
   FROM call_rollups GROUP BY 1, ${ROLLUP_DIMENSIONS.join(', ')}`,
];

@Injectable()
export class RollupCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('RollupCheck');
  private readonly repaired: Counter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.repaired = new Counter({
      name: 'call_rollups_repaired_total',
      help: 'Cost-report roll-up rows found to differ from the call log and repaired by the check job',
      registers: [metrics.registry],
    });
  }

  // Hours from the start of the hour `days` ago up to now.
  async checkRecent(days: number): Promise<RollupCheckResult> {
    const since = new Date(Math.floor((Date.now() - days * 86_400_000) / 3_600_000) * 3_600_000);
    const [row] = await this.dataSource.query<{ keys: number; calls: number }[]>(CHECK_SQL, [since]);
    const [daily] = await this.dataSource.query<{ keys: number }[]>(DAILY_CHECK_SQL, [since]);
    if (daily.keys > 0) {
      this.repaired.inc(daily.keys);
      this.logger.warn({ since, keys: daily.keys }, 'Daily roll-ups differed from the hourly ones; repaired');
    }
    if (row.keys > 0) {
      this.repaired.inc(row.keys);
      this.logger.warn({ since, keys: row.keys, calls: row.calls }, 'Roll-ups differed from the call log; repaired');
    }
    return { since: since.toISOString(), keysRepaired: row.keys, callsMoved: row.calls, dailyKeysRepaired: daily.keys };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.reports.dayZone) await this.useDayZone(this.config.reports.dayZone);
  }

  // The daily tier is cut in REPORTS_DAY_ZONE: a zone Postgres knows whose offset is a whole number of hours (hourly
  // buckets then fall into exactly one local day) from a year back to two years ahead. Rebuilt only when it changed.
  async useDayZone(zone: string): Promise<void> {
    const [state] = await this.dataSource.query<{ current: string; known: boolean }[]>(
      `SELECT (SELECT day_zone FROM call_rollups_settings) AS current, EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known`,
      [zone],
    );
    if (state.current === zone) return;
    if (!state.known) throw new Error(`REPORTS_DAY_ZONE: ${zone} is not a time zone Postgres knows`);
    const [{ part }] = await this.dataSource.query<{ part: boolean }[]>(
      `SELECT coalesce(bool_or(extract(minute FROM (t AT TIME ZONE $1) - (t AT TIME ZONE 'UTC')) <> 0), false) AS part
       FROM generate_series(now() - interval '1 year', now() + interval '2 years', interval '1 day') t`,
      [zone],
    );
    if (part) throw new Error(`REPORTS_DAY_ZONE: ${zone} is not a whole number of hours from UTC`);
    await this.dataSource.transaction(async (manager) => {
      const [again] = await manager.query<{ day_zone: string }[]>('SELECT day_zone FROM call_rollups_settings FOR UPDATE');
      if (again.day_zone === zone) return;
      for (const sql of REZONE_SQL) await manager.query(sql, sql.includes('$1') ? [zone] : []);
    });
    this.logger.log({ from: state.current, to: zone }, 'Daily roll-ups re-cut in another zone');
  }
}
