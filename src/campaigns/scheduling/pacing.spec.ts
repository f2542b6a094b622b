import { PACING_MARGIN, pacingBudget, SCHEDULE_LEAD_MS, type PacingInput } from 'src/campaigns/scheduling/pacing';

const t0 = new Date('2025-03-10T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
// A moment `ms` into a schedule that started at t0 plus its lead, at the nominal rate (it runs PACING_MARGIN slower).
const paced = (ms: number) => later(SCHEDULE_LEAD_MS + ms * (1 + PACING_MARGIN));

const input = (over: Partial<PacingInput>): PacingInput => ({
  callsPerSecond: 10,
  maxConcurrent: 100,
  inFlight: 0,
  nextDialAt: null,
  now: t0,
  horizonMs: 2000,
  maxPerTick: 1000,
  ...over,
});

// Runs ticks every `tickMs` (every other one `jitterMs` late) for `seconds`; each claims its whole budget. Returns
// the moments of every call claimed, in ms from t0.
function simulate(over: Partial<PacingInput>, tickMs: number, seconds: number, jitterMs = 0): number[] {
  let nextDialAt: Date | null = null;
  const moments: number[] = [];
  for (let i = 0, t = 0; t < seconds * 1000; i += 1, t = i * tickMs + (i % 2 === 0 ? 0 : jitterMs)) {
    const pace = pacingBudget(input({ ...over, nextDialAt, now: later(t) }));
    for (let k = 0; k < pace.budget; k += 1) moments.push(pace.dialAt(k).getTime() - t0.getTime());
    nextDialAt = pace.next(pace.budget);
  }
  return moments;
}

// The most calls whose moments fall in any one-second window [t, t + 1000).
function busiestSecond(moments: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < moments.length; i += 1) {
    while (moments[i] - moments[j] >= 1000) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('pacing', () => {
  it('schedules a fresh start a moment ahead, one call per interval, up to the horizon', () => {
    const pace = pacingBudget(input({}));
    // (2000 ms horizon − 250 ms lead) / 101.5 ms
    expect(pace.budget).toBe(18);
    expect(pace.dialAt(0)).toEqual(later(SCHEDULE_LEAD_MS));
    expect(pace.dialAt(3)).toEqual(paced(300));
    expect(pace.next(18)).toEqual(paced(1800));
  });

  it('lets a fresh start dial within its lead below one call per second, then waits a whole interval', () => {
    const first = pacingBudget(input({ callsPerSecond: 0.2 }));
    expect(first.budget).toBe(1);
    const nextDialAt = first.next(1);
    expect(nextDialAt).toEqual(paced(5000));
    expect(pacingBudget(input({ callsPerSecond: 0.2, nextDialAt, now: later(2000) })).budget).toBe(0);
    const due = pacingBudget(input({ callsPerSecond: 0.2, nextDialAt, now: later(3500) }));
    expect(due.budget).toBe(1);
    expect(due.dialAt(0)).toEqual(paced(5000));
  });

  it('continues the schedule where the last tick left it', () => {
    const pace = pacingBudget(input({ nextDialAt: later(2000), now: later(1000) }));
    expect(pace.budget).toBe(10);
    expect(pace.dialAt(0)).toEqual(later(2000));
  });

  it('never puts more than the rate in any one second, with late ticks and fractional rates', () => {
    for (const [rate, jitter] of [
      [10, 0],
      [20, 300],
      [2.5, 700],
      [100, 450],
    ]) {
      const moments = simulate({ callsPerSecond: rate, maxConcurrent: 10_000 }, 1000, 60, jitter);
      expect(busiestSecond(moments)).toBeLessThanOrEqual(Math.ceil(rate));
      // ... and within 1.1 times the rate (a fractional rate rounds up) with each call up to 4 ms early or late.
      const jittered = moments.map((m, i) => m + ((i * 7919) % 9) - 4).sort((a, b) => a - b);
      expect(busiestSecond(jittered)).toBeLessThanOrEqual(Math.max(Math.ceil(rate), Math.floor(rate * 1.1)));
      // Sustained: first to last call of the minute at the rate, within 2 %.
      const inMinute = moments.filter((m) => m < 60_000);
      const sustained = (inMinute.length - 1) / ((inMinute[inMinute.length - 1] - inMinute[0]) / 1000);
      expect(Math.abs(sustained - rate) / rate).toBeLessThan(0.02);
    }
  });

  it('does not catch up a campaign that fell behind in a burst', () => {
    const pace = pacingBudget(input({ nextDialAt: t0, now: later(60_000) }));
    expect(pace.budget).toBe(18);
    expect(pace.dialAt(0)).toEqual(later(60_000 + SCHEDULE_LEAD_MS));
    expect(pace.dialAt(17)).toEqual(new Date(later(60_000 + SCHEDULE_LEAD_MS).getTime() + 1700 * (1 + PACING_MARGIN)));
  });

  it('never dials more than the free concurrent slots', () => {
    expect(pacingBudget(input({ maxConcurrent: 5, inFlight: 3 })).budget).toBe(2);
    expect(pacingBudget(input({ maxConcurrent: 5, inFlight: 7 })).budget).toBe(0);
  });

  it('keeps the unused moments when fewer contacts were due', () => {
    const pace = pacingBudget(input({}));
    expect(pace.next(4)).toEqual(paced(400));
  });

  it('caps a tick', () => {
    expect(pacingBudget(input({ callsPerSecond: 500, maxConcurrent: 1000, maxPerTick: 200 })).budget).toBe(200);
  });
});
