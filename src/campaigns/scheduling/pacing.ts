// How many contacts a campaign may dial in one dialer tick: a token bucket refilled at `callsPerSecond`, bounded by
// the free concurrent-call slots. The bucket lives on the campaign row (tokens + when they were counted), so any
// worker can run the next tick and the rate holds across workers and restarts.

export interface PacingSettings {
  callsPerSecond: number;
  maxConcurrent: number;
}

export interface Bucket {
  tokens: number;
  at: Date;
}

export interface PacingInput extends PacingSettings {
  // Calls of the campaign not finished yet (queued, ringing or talking).
  inFlight: number;
  // null on the first tick after a start or resume.
  bucket: Bucket | null;
  now: Date;
  // A hard cap per tick, so one tick never holds its transaction for long.
  maxPerTick: number;
}

export interface PacingBudget {
  budget: number;
  // The bucket to store after claiming `claimed` contacts.
  settle(claimed: number): Bucket;
}

// Up to two seconds of calls may be saved up: a late tick catches up, but a campaign held back by its concurrency
// limit cannot burst far above its rate when slots free up. BullMQ's limiter paces the callouts themselves.
export const BUCKET_SECONDS = 2;

export function capacity(callsPerSecond: number): number {
  return Math.max(1, callsPerSecond * BUCKET_SECONDS);
}

export function pacingBudget(input: PacingInput): PacingBudget {
  const cap = capacity(input.callsPerSecond);
  let tokens: number;
  if (!input.bucket) {
    // A fresh start may place its first call at once, even at rates below one per second.
    tokens = Math.min(cap, Math.max(1, input.callsPerSecond));
  } else {
    const elapsedS = Math.max(0, (input.now.getTime() - input.bucket.at.getTime()) / 1000);
    tokens = Math.min(cap, input.bucket.tokens + elapsedS * input.callsPerSecond);
  }
  const free = Math.max(0, input.maxConcurrent - input.inFlight);
  const budget = Math.max(0, Math.min(Math.floor(tokens + 1e-9), free, input.maxPerTick));
  return {
    budget,
    settle: (claimed) => ({ tokens: Math.max(0, tokens - claimed), at: input.now }),
  };
}
