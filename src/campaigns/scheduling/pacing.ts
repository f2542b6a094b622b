// When a campaign's calls may be dialled: one every 1/callsPerSecond seconds, each with its own moment (a virtual
// schedule, as GCRA keeps it), so that no one second ever holds more than the configured rate. A tick claims the
// calls whose moments fall before `now + horizonMs` and hands each its moment; the callouts worker holds a call
// until then. The schedule's next free moment lives on the campaign row, so any worker can run the next tick and
// the rate holds across workers and restarts. A campaign that fell behind (paused, out of contacts, held back by its
// concurrency limit) starts again from now: missed moments are not caught up in a burst.

export interface PacingSettings {
  callsPerSecond: number;
  maxConcurrent: number;
}

export interface PacingInput extends PacingSettings {
  // Calls of the campaign not finished yet (queued, ringing or talking).
  inFlight: number;
  // The schedule's next free moment; null on the first tick after a start or resume.
  nextDialAt: Date | null;
  now: Date;
  // How far ahead of now a tick schedules calls: more than the tick interval, so a late tick leaves no gap.
  horizonMs: number;
  // A hard cap per tick, so one tick never holds its transaction for long.
  maxPerTick: number;
}

export interface PacingBudget {
  budget: number;
  // The moment of the i-th call claimed by this tick (0-based).
  dialAt(i: number): Date;
  // The schedule's next free moment after `claimed` calls.
  next(claimed: number): Date;
}

// The schedule runs 1 % below the rate: what reaches Sinch is the schedule plus a few milliseconds of jitter (the
// worker's timer, a database read, the HTTP request), and at low rates one early or late call is a whole extra call
// in some one-second window (at 5/s, a sixth). The margin absorbs about 10 ms of jitter at 5/s while the sustained
// rate stays within 2 % of the configured one.
export const PACING_MARGIN = 0.01;

// A schedule that starts (or starts again) begins this far ahead of the tick: by its first moment the tick has
// committed and every call of it is in a worker, waiting. A first call due at once would reach Sinch one job fetch
// late while the next ones, already waiting, went on time: two calls closer than the interval.
export const SCHEDULE_LEAD_MS = 250;

export function pacingBudget(input: PacingInput): PacingBudget {
  const intervalMs = (1000 / input.callsPerSecond) * (1 + PACING_MARGIN);
  const now = input.now.getTime();
  const start = Math.max(now + SCHEDULE_LEAD_MS, input.nextDialAt?.getTime() ?? 0);
  const openMs = now + input.horizonMs - start;
  const slots = openMs > 0 ? Math.ceil(openMs / intervalMs - 1e-9) : 0;
  const free = Math.max(0, input.maxConcurrent - input.inFlight);
  const budget = Math.max(0, Math.min(slots, free, input.maxPerTick));
  return {
    budget,
    dialAt: (i) => new Date(start + i * intervalMs),
    next: (claimed) => new Date(start + claimed * intervalMs),
  };
}
