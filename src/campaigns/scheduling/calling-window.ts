import { DAY_MINUTES, localTime, parseHhMm, type IsoWeekday } from 'src/common/zoned-time';

// When a campaign may call, evaluated in the callee's local time (a compliance rule: "no calls before 9 or after 20
// where the callee lives"). Pure functions over an instant and an IANA zone; the clock is always passed in.

export interface CallingWindow {
  days: IsoWeekday[];
  // Local wall-clock times "HH:MM"; start inclusive, end exclusive. "24:00" ends at midnight.
  start: string;
  end: string;
}

const MINUTE_MS = 60_000;

// What is wrong with a window, field by field; empty when it is valid.
export function windowProblems(window: CallingWindow): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const start = parseHhMm(window.start);
  const end = parseHhMm(window.end);
  if (start === undefined || start === DAY_MINUTES) problems.push({ field: 'start', message: 'start must be a time HH:MM from 00:00 to 23:59' });
  if (end === undefined || end === 0) problems.push({ field: 'end', message: 'end must be a time HH:MM from 00:01 to 24:00' });
  if (start !== undefined && end !== undefined && end <= start) {
    problems.push({ field: 'end', message: `end (${window.end}) must be after start (${window.start}); a window cannot span midnight` });
  }
  if (window.days.length === 0) problems.push({ field: 'days', message: 'days must list at least one weekday' });
  return problems;
}

export function isOpen(window: CallingWindow, zone: string, at: Date): boolean {
  const local = localTime(zone, at);
  return window.days.includes(local.weekday) && local.minuteOfDay >= minutes(window.start) && local.minuteOfDay < minutes(window.end);
}

// The zones among `zones` whose window is open at `at`: the dialer claims contacts of these zones only.
export function openZones(window: CallingWindow, zones: readonly string[], at: Date): string[] {
  return zones.filter((zone) => isOpen(window, zone, at));
}

// The first instant >= `at` at which the window is open in `zone` (at itself when open now).
export function nextOpening(window: CallingWindow, zone: string, at: Date): Date {
  if (isOpen(window, zone, at)) return at;
  const start = minutes(window.start);
  const today = localTime(zone, at);
  for (let offset = 0; offset <= 7; offset += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = (((today.weekday - 1 + offset) % 7) + 1) as IsoWeekday;
    if (!window.days.includes(weekday)) continue;
    if (offset === 0 && today.minuteOfDay >= start) continue; // today's window has passed (or is open: handled above)
    let candidate = zonedInstant(zone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), start);
    // A start inside a DST gap (02:30 on a spring-forward night) does not exist locally: the window opens
    // when the clocks have jumped past it.
    if (!isOpen(window, zone, candidate)) candidate = new Date(candidate.getTime() + 60 * MINUTE_MS);
    if (candidate.getTime() > at.getTime() && isOpen(window, zone, candidate)) return candidate;
  }
  throw new Error(`calling window never opens in ${zone}`); // unreachable for a valid window (days is non-empty)
}

// The instant at which the local wall clock in `zone` shows the given date and minute (two passes settle DST).
function zonedInstant(zone: string, year: number, month: number, day: number, minuteOfDay: number): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  let instant = wall - offsetMs(zone, wall);
  instant = wall - offsetMs(zone, instant);
  return new Date(instant);
}

// Local time minus UTC at an instant, to the minute (every zone in use has whole-minute offsets).
function offsetMs(zone: string, instant: number): number {
  const local = localTime(zone, new Date(instant));
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, local.minuteOfDay);
  return asUtc - Math.floor(instant / MINUTE_MS) * MINUTE_MS;
}

function minutes(hhmm: string): number {
  const value = parseHhMm(hhmm);
  if (value === undefined) throw new Error(`not a time of day: ${hhmm}`);
  return value;
}
