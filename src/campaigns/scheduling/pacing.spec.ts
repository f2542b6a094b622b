import { pacingBudget, type Bucket, type PacingInput } from 'src/campaigns/scheduling/pacing';

const t0 = new Date('2025-03-10T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

const input = (over: Partial<PacingInput>): PacingInput => ({
  callsPerSecond: 10,
  maxConcurrent: 100,
  inFlight: 0,
  bucket: null,
  now: t0,
  maxPerTick: 1000,
  ...over,
});

// Runs ticks every `tickMs` for `seconds` and returns the calls claimed (each tick claims its whole budget).
function simulate(over: Partial<PacingInput>, tickMs: number, seconds: number, jitterMs = 0): number {
  let bucket: Bucket | null = null;
  let total = 0;
  for (let t = 0, i = 0; t < seconds * 1000; i += 1, t = i * tickMs + (i % 2 === 0 ? 0 : jitterMs)) {
    const pace = pacingBudget(input({ ...over, bucket, now: later(t) }));
    total += pace.budget;
    bucket = pace.settle(pace.budget);
  }
  return total;
}

describe('pacing', () => {
  it('lets a fresh start dial at once, even below one call per second', () => {
    expect(pacingBudget(input({})).budget).toBe(10);
    expect(pacingBudget(input({ callsPerSecond: 0.2 })).budget).toBe(1);
  });

  it('refills at the configured rate', () => {
    const first = pacingBudget(input({}));
    const bucket = first.settle(first.budget);
    expect(pacingBudget(input({ bucket, now: later(1000) })).budget).toBe(10);
    expect(pacingBudget(input({ bucket, now: later(500) })).budget).toBe(5);
  });

  it('keeps fractions between ticks, so 2.5 calls/s is 5 calls every 2 s', () => {
    expect(simulate({ callsPerSecond: 2.5 }, 1000, 60)).toBeGreaterThanOrEqual(2.5 * 60 - 1);
    expect(simulate({ callsPerSecond: 2.5 }, 1000, 60)).toBeLessThanOrEqual(2.5 * 60 + 3);
  });

  it('holds the rate within 5 % over a minute with late ticks', () => {
    const total = simulate({ callsPerSecond: 20 }, 1000, 60, 300);
    expect(Math.abs(total / 60 - 20) / 20).toBeLessThan(0.05);
  });

  it('never dials more than the free concurrent slots', () => {
    expect(pacingBudget(input({ maxConcurrent: 5, inFlight: 3 })).budget).toBe(2);
    expect(pacingBudget(input({ maxConcurrent: 5, inFlight: 7 })).budget).toBe(0);
  });

  it('saves up at most two seconds of calls', () => {
    const bucket = { tokens: 0, at: t0 };
    expect(pacingBudget(input({ bucket, now: later(60_000) })).budget).toBe(20);
  });

  it('keeps unused tokens when fewer contacts were due', () => {
    const pace = pacingBudget(input({ bucket: { tokens: 0, at: t0 }, now: later(1000) }));
    const bucket = pace.settle(4);
    expect(bucket).toEqual({ tokens: 6, at: later(1000) });
  });

  it('caps a tick', () => {
    expect(pacingBudget(input({ callsPerSecond: 500, maxConcurrent: 1000, maxPerTick: 200 })).budget).toBe(200);
  });
});
