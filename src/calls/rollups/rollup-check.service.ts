import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { contributionSelect, isCountedSql, ROLLUP_DIMENSIONS, ROLLUP_MEASURES, rollupUpsertSql } from 'src/calls/rollups/call-rollup-sql';
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

export interface RollupCheckResult {
  since: string;
  // Roll-up rows that disagreed with the call log (and were repaired), and by how many calls in all.
  keysRepaired: number;
  callsMoved: number;
}

@Injectable()
export class RollupCheck {
  private readonly logger = new Logger('RollupCheck');
  private readonly repaired: Counter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    if (row.keys > 0) {
      this.repaired.inc(row.keys);
      this.logger.warn({ since, keys: row.keys, calls: row.calls }, 'Roll-ups differed from the call log; repaired');
    }
    return { since: since.toISOString(), keysRepaired: row.keys, callsMoved: row.calls };
  }
}
