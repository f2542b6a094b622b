import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { withDeadline } from 'src/common/deadline';
import { AppConfig } from 'src/config/app-config';
import { REDIS } from 'src/redis/redis.tokens';

// Fixed-window counter in Redis, so the limit holds across every api process, not per process. ARGV[2] hits at once:
// the hits of one key that arrive in the same turn of the event loop are counted in one round trip.
const INCREMENT = `
local n = tonumber(ARGV[2])
local hits = redis.call('INCRBY', KEYS[1], n)
if hits == n then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }`;

// On the request path: a Redis that does not answer must not hold the request.
const REDIS_DEADLINE_MS = 250;
const SKIP_LOG_INTERVAL_MS = 60_000;

// The script is sent once and then called by its SHA (ioredis re-sends it when Redis has lost it): every admin
// request counts a hit, and EVAL would ship and hash the source each time.
const COMMAND = 'ccThrottleIncrement';
type CountingRedis = Redis & { [COMMAND](key: string, windowMs: number, hits: number): Promise<[number, number]> };

// The hits of one key waiting for the next round trip; each caller learns its own place in the window.
interface PendingHits {
  windowMs: number;
  callers: ((count: WindowCount | undefined) => void)[];
}

export interface WindowCount {
  hits: number;
  // Seconds until the window ends (at least 1).
  resetS: number;
}

@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private skippedSince?: number;
  private skipped = 0;
  private pending = new Map<string, PendingHits>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: INCREMENT });
  }

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    const count = await this.count(`${name}:${key}`, ttl);
    if (!count) return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    const blocked = count.hits > limit;
    return { totalHits: count.hits, timeToExpire: count.resetS, isBlocked: blocked, timeToBlockExpire: blocked ? count.resetS : 0 };
  }

  // Counts one hit in the window of `key`. Undefined when Redis cannot answer in time: the limit is skipped (it
  // protects capacity, not secrets; readiness reports Redis), and said in the log once per interval, not per request.
  // Hits of a key from concurrent requests are sent together (one INCRBY); each still gets its own count, the one a
  // request by request INCR would have given it.
  count(key: string, windowMs: number): Promise<WindowCount | undefined> {
    return new Promise((resolve) => {
      const fullKey = `${this.config.redis.queuePrefix}:throttle:${key}`;
      const waiting = this.pending.get(fullKey);
      if (waiting) {
        waiting.callers.push(resolve);
        return;
      }
      if (this.pending.size === 0) setImmediate(() => this.flush());
      this.pending.set(fullKey, { windowMs, callers: [resolve] });
    });
  }

  private flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    for (const [key, { windowMs, callers }] of batches) void this.countHits(key, windowMs, callers);
  }

  private async countHits(key: string, windowMs: number, callers: PendingHits['callers']): Promise<void> {
    try {
      const counted = (this.redis as CountingRedis)[COMMAND](key, windowMs, callers.length);
      const [hits, pttl] = await withDeadline(counted, REDIS_DEADLINE_MS, 'rate-limit counter (Redis)');
      const resetS = Math.max(1, Math.ceil(pttl / 1000));
      const first = hits - callers.length + 1;
      callers.forEach((resolve, i) => resolve({ hits: first + i, resetS }));
    } catch (error) {
      this.skipped += callers.length;
      const now = Date.now();
      if (this.skippedSince === undefined || now - this.skippedSince >= SKIP_LOG_INTERVAL_MS) {
        this.logger.warn(`Rate limiting skipped (${this.skipped} request(s) since the last notice): ${(error as Error).message}`);
        this.skippedSince = now;
        this.skipped = 0;
      }
      callers.forEach((resolve) => resolve(undefined));
    }
  }
}
