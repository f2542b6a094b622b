import { SQL_FINAL_STATES } from 'src/calls/call-state';

// How one finished call counts in the roll-ups, as SQL over a row that has the calls table's column names (the
// calls table itself, or a CTE returning them). The same expressions build the roll-ups, the raw source of a
// report (?source=raw) and the drift check, so the three can only agree.

// The dimensions, in the roll-up key's order.
export const ROLLUP_DIMENSIONS = [
  'campaign_id',
  'queue_id',
  'conference_id',
  'country',
  'caller_id',
  'number_dialled',
  'direction',
  'state',
  'result',
  'agent_id',
  'currency',
] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

export const ROLLUP_MEASURES = ['calls', 'placed', 'answered', 'talked', 'talk_s', 'billed_minutes', 'spend'] as const;

// The calls columns a contribution reads (a CTE must return these to be summed).
export const CONTRIBUTION_COLUMNS =
  'id, created_at, campaign_id, queue_id, conference_id, country, from_number, to_number, direction, state, result, debit_currency, debit_amount, duration_s, sinch_call_id';

export function dimensionSql(alias: string): Record<RollupDimension, string> {
  const a = alias;
  return {
    campaign_id: `coalesce(${a}.campaign_id::text, '')`,
    queue_id: `coalesce(${a}.queue_id::text, '')`,
    conference_id: `coalesce(${a}.conference_id, '')`,
    country: `coalesce(trim(${a}.country), '')`,
    caller_id: `CASE WHEN ${a}.direction = 'outbound' THEN coalesce(${a}.from_number, '') ELSE '' END`,
    number_dialled: `CASE WHEN ${a}.direction = 'inbound' THEN coalesce(${a}.to_number, '') ELSE '' END`,
    direction: `${a}.direction`,
    state: `${a}.state`,
    result: `coalesce(${a}.result, '')`,
    agent_id: `''`,
    currency: `coalesce(trim(${a}.debit_currency), '')`,
  };
}

export function measureSql(alias: string): Record<(typeof ROLLUP_MEASURES)[number], string> {
  const a = alias;
  return {
    calls: '1',
    placed: `(${a}.sinch_call_id IS NOT NULL)::int`,
    answered: `(${a}.state = 'completed')::int`,
    talked: `(coalesce(${a}.duration_s, 0) > 0)::int`,
    talk_s: `coalesce(${a}.duration_s, 0)`,
    // Sinch bills per started minute.
    billed_minutes: `ceil(greatest(coalesce(${a}.duration_s, 0), 0) / 60.0)::bigint`,
    spend: `coalesce(${a}.debit_amount, 0)`,
  };
}

// The UTC hour a call counts in (date_trunc with a zone: independent of the session's TimeZone).
export const bucketSql = (alias: string): string => `date_trunc('hour', ${alias}.created_at, 'UTC')`;

// One row per call: bucket, dimensions, measures and `sign` (1 adds the call, -1 takes it out).
export function contributionSelect(alias: string, sign: 1 | -1): string {
  const dims = dimensionSql(alias);
  const measures = measureSql(alias);
  return `SELECT ${bucketSql(alias)} AS bucket, ${ROLLUP_DIMENSIONS.map((d) => `${dims[d]} AS ${d}`).join(', ')},
    ${ROLLUP_MEASURES.map((m) => `${measures[m]} AS ${m}`).join(', ')}, ${sign} AS sign`;
}

const KEY = ['bucket', ...ROLLUP_DIMENSIONS].join(', ');

// Adds the signed contributions of a CTE (columns of contributionSelect) to the roll-ups, one upsert row per key
// in key order (concurrent batches take the row locks in the same order).
export function rollupUpsertSql(deltaCte: string): string {
  const sums = ROLLUP_MEASURES.map((m) => `sum(sign * ${m})`).join(', ');
  return `INSERT INTO call_rollups (${KEY}, ${ROLLUP_MEASURES.join(', ')})
    SELECT ${KEY}, ${sums} FROM ${deltaCte} GROUP BY ${KEY} ORDER BY ${KEY}
    ON CONFLICT (${KEY}) DO UPDATE SET ${ROLLUP_MEASURES.map((m) => `${m} = call_rollups.${m} + excluded.${m}`).join(', ')}`;
}

// A calls row counts in the roll-ups once it is final.
export const isCountedSql = (alias: string): string => `${alias}.state IN (${SQL_FINAL_STATES})`;

// CONTRIBUTION_COLUMNS of a table alias (for a SELECT list or a RETURNING clause).
export const contributionColumns = (alias: string): string =>
  CONTRIBUTION_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
