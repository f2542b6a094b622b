import type { LedgerEntry } from 'src/calls/ledger/call-ledger.service';
import type { Money } from 'src/sinch/sinch-money';

// Checks an accepted callback against the column types it lands in (migrations: calls, call_events) before it is
// acknowledged, so a value Postgres would refuse is told apart from an outage: it is never retried and never
// diverts other callbacks to Redis.
export interface StorageProblem {
  field: string;
  reason: string;
  // True when only billing figures (calls.debit_*, rate_*, duration_s) are out of their column's range: the event
  // is still recorded and the call finalised, without those figures.
  billing: boolean;
}

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;
// numeric(18,6): 12 integer digits once rounded to 6 decimals.
const NUMERIC_18_6_LIMIT = 10n ** 18n;
// timestamptz runs from 4713 BC (year -4712 in ISO numbering) to 294276 AD; a JS Date ends before the latter.
const MIN_YEAR = -4712;

// Postgres text and jsonb refuse NUL; jsonb also refuses an unpaired surrogate escape (and text would silently
// replace it), so both count as unstorable.
// eslint-disable-next-line no-control-regex -- NUL is exactly what Postgres refuses
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function textProblem(value: string): string | undefined {
  if (NUL.test(value)) return 'contains a NUL character (U+0000), which Postgres text and jsonb refuse';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

// Whether a decimal string fits numeric(18,6) after Postgres rounds it to 6 decimals (half away from zero).
export function fitsNumeric18x6(amount: string): boolean {
  const m = /^-?(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!m) return false;
  const fraction = (m[2] ?? '').padEnd(7, '0');
  const scaled = BigInt(m[1] + fraction.slice(0, 6)) + (fraction[6] >= '5' ? 1n : 0n);
  return scaled < NUMERIC_18_6_LIMIT;
}

export function storageProblems(entry: LedgerEntry): StorageProblem[] {
  const problems: StorageProblem[] = [];
  walk(entry.payload, '', problems);
  if (entry.eventAt && entry.eventAt.getUTCFullYear() < MIN_YEAR) {
    problems.push({ field: 'timestamp', reason: 'is before the earliest date Postgres stores (4713 BC)', billing: false });
  }
  const final = entry.final;
  if (final?.durationS !== undefined && (final.durationS < INT4_MIN || final.durationS > INT4_MAX)) {
    problems.push({ field: 'duration', reason: `${final.durationS} does not fit a 32-bit integer column`, billing: true });
  }
  moneyProblem(final?.debit, 'debit', problems);
  moneyProblem(final?.rate, 'userRate', problems);
  return problems;
}

// The entry without the billing figures that do not fit their columns.
export function withoutBilling(entry: LedgerEntry, problems: StorageProblem[]): LedgerEntry {
  if (!entry.final) return entry;
  const bad = new Set(problems.map((p) => p.field.split('.')[0]));
  const final = { ...entry.final };
  if (bad.has('duration')) final.durationS = undefined;
  if (bad.has('debit')) final.debit = undefined;
  if (bad.has('userRate')) final.rate = undefined;
  return { ...entry, final };
}

function moneyProblem(money: Money | undefined, field: string, problems: StorageProblem[]): void {
  if (!money) return;
  if (!fitsNumeric18x6(money.amount)) {
    problems.push({ field: `${field}.amount`, reason: `${clip(money.amount)} ${clip(money.currency)} does not fit numeric(18,6)`, billing: true });
  }
  if (money.currency.length > 3) {
    problems.push({ field: `${field}.currencyId`, reason: `"${clip(money.currency)}" is longer than a 3-letter currency code`, billing: true });
  }
}

function walk(value: unknown, at: string, problems: StorageProblem[]): void {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    if (reason) problems.push({ field: at || 'body', reason, billing: false });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${at}[${i}]`, problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const field = at ? `${at}.${key}` : key;
      const reason = textProblem(key);
      if (reason) problems.push({ field: storableText(field), reason: `key ${reason}`, billing: false });
      else walk(v, field, problems);
    }
  }
}

// Text made storable: NUL and unpaired surrogates replaced by U+FFFD (for reasons, ids and raw bodies kept aside).
export function storableText(value: string): string {
  return value.replace(new RegExp(NUL.source, 'g'), '\ufffd').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
