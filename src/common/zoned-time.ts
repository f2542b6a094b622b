// Local wall-clock time in an IANA zone (campaign calling windows, number business hours). Pure functions over an
// instant and a zone; the clock is always passed in.

export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const; // Monday = 1 ... Sunday = 7, as ISO 8601
export type IsoWeekday = (typeof ISO_WEEKDAYS)[number];

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: IsoWeekday;
  minuteOfDay: number;
}

export const DAY_MINUTES = 24 * 60;
const HH_MM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const WEEKDAY: Record<string, IsoWeekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

// Formatters are costly to build (~50 µs) and cheap to use (~2 µs, the ICE path uses them): one per zone, kept for
// the process's life (a few hundred zones).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function localTime(zone: string, at: Date): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAY[parts.weekday],
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

// The zone as Intl knows it, or undefined: the only authority on which IANA names this runtime can evaluate.
// Keeps the caller's spelling (Asia/Kolkata stays, not ICU's older Asia/Calcutta) but fixes its case.
const canonical = new Map<string, string | undefined>();

// Memoised: building a formatter costs ~50 µs, and an import asks once per row (zone names are few).
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return undefined;
  if (canonical.has(zone)) return canonical.get(zone);
  let result: string | undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    result = resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    result = undefined;
  }
  if (canonical.size >= 10_000) canonical.clear(); // unknown names from a hostile file must not grow it forever
  canonical.set(zone, result);
  return result;
}

// A wall-clock "HH:MM" (00:00 to 24:00) as minutes of the day, or undefined.
export function parseHhMm(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = HH_MM.exec(value);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= DAY_MINUTES ? minutes : undefined;
}
