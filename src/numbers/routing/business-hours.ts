import type { FieldProblem } from 'src/common/app-error';
import { canonicalTimeZone, DAY_MINUTES, localTime, parseHhMm } from 'src/common/zoned-time';

// When a number's main route runs: weekly opening hours in the number's own IANA zone, minus holiday dates.
// Pure functions; the clock is always passed in (tests give any instant, no sleeps).

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningHours {
  days: Weekday[];
  // Local wall-clock "HH:MM"; open inclusive, close exclusive; "24:00" closes at midnight.
  open: string;
  close: string;
}

export interface BusinessHours {
  timeZone: string;
  weekly: OpeningHours[];
  // Local dates "YYYY-MM-DD" on which the number is closed all day.
  holidays: string[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_HOLIDAYS = 366;

function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const d = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return d.toISOString().slice(0, 10) === value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Checks an API value field by field (under `at`); the normalised hours, or the problems.
export function parseBusinessHours(value: unknown, at: string): { hours?: BusinessHours; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const add = (field: string, rule: string, message: string) => problems.push({ field: `${at}${field}`, rule, message: `${at}${field} ${message}` });
  if (!isRecord(value)) {
    add('', 'isObject', 'must be an object { timeZone, weekly, holidays? }');
    return { problems };
  }
  for (const key of Object.keys(value)) {
    if (!['timeZone', 'weekly', 'holidays'].includes(key)) add(`.${key}`, 'whitelistValidation', 'is not a known field');
  }
  const zone = canonicalTimeZone(value.timeZone);
  if (!zone) add('.timeZone', 'timeZone', `must be an IANA time zone such as Europe/Stockholm (got ${JSON.stringify(value.timeZone)})`);
  const weekly: OpeningHours[] = [];
  if (!Array.isArray(value.weekly) || value.weekly.length === 0 || value.weekly.length > 28) {
    add('.weekly', 'weekly', 'must list 1 to 28 opening periods { days, open, close }');
  } else {
    value.weekly.forEach((period: unknown, i) => {
      const p = `.weekly[${i}]`;
      if (!isRecord(period)) return add(p, 'isObject', 'must be an object { days, open, close }');
      const days = period.days;
      if (!Array.isArray(days) || days.length === 0 || days.some((d) => !(WEEKDAYS as readonly unknown[]).includes(d))) {
        add(`${p}.days`, 'weekdays', `must list weekdays among ${WEEKDAYS.join(', ')}`);
      }
      const open = parseHhMm(period.open);
      const close = parseHhMm(period.close);
      if (open === undefined || open === DAY_MINUTES) add(`${p}.open`, 'time', 'must be a time HH:MM from 00:00 to 23:59');
      if (close === undefined || close === 0) add(`${p}.close`, 'time', 'must be a time HH:MM from 00:01 to 24:00');
      if (open !== undefined && close !== undefined && close <= open) {
        add(`${p}.close`, 'after_open', `(${String(period.close)}) must be after open (${String(period.open)}); split a period that spans midnight in two`);
      }
      if (Array.isArray(days)) weekly.push({ days: [...new Set(days as Weekday[])], open: String(period.open), close: String(period.close) });
    });
  }
  const holidays = value.holidays ?? [];
  if (!Array.isArray(holidays) || holidays.length > MAX_HOLIDAYS) {
    add('.holidays', 'holidays', `must be an array of at most ${MAX_HOLIDAYS} dates YYYY-MM-DD`);
  } else {
    holidays.forEach((d: unknown, i) => {
      if (!isCalendarDate(d)) add(`.holidays[${i}]`, 'date', `must be a calendar date YYYY-MM-DD (got ${JSON.stringify(d)})`);
    });
  }
  if (problems.length > 0) return { problems };
  return { hours: { timeZone: zone as string, weekly, holidays: [...new Set(holidays as string[])].sort() }, problems };
}

// Open at `at`, in the hours' zone: a weekly period covers the local time and the local date is no holiday.
export function isOpenAt(hours: BusinessHours, at: Date): boolean {
  const local = localTime(hours.timeZone, at);
  const date = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
  if (hours.holidays.includes(date)) return false;
  const day = WEEKDAYS[local.weekday - 1];
  return hours.weekly.some(
    (w) => w.days.includes(day) && local.minuteOfDay >= (parseHhMm(w.open) as number) && local.minuteOfDay < (parseHhMm(w.close) as number),
  );
}
