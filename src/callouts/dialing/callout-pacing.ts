// BullMQ's limiter is a fixed window counter, and a worker that fetches while finishing a job lets through about
// 1.5x `max` in the first window (measured). Short windows keep that burst to a job or two: 10/s is paced as
// one job per 100 ms, not ten per second.
const WINDOW_MS = 100;

export interface LimiterOptions {
  max: number;
  duration: number;
}

export function calloutLimiter(perSecond: number): LimiterOptions {
  if (!(perSecond > 0)) throw new Error(`callouts per second must be positive (got ${perSecond})`);
  const max = Math.max(1, Math.round((perSecond * WINDOW_MS) / 1000));
  return { max, duration: Math.max(1, Math.round((max * 1000) / perSecond)) };
}
