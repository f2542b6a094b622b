import { Injectable, Logger } from '@nestjs/common';
import { RateLimitedError } from 'src/common/rate-limited.error';
import { AppConfig } from 'src/config/app-config';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const WINDOW_MS = 60_000;
const MAX_BLOCKED = 10_000;

// Failed authentications per client address (admin API keys and the webhook's Sinch signatures), counted in Redis
// across processes. An address over the limit is blocked in this process until its window ends: it gets 429 before
// any key lookup, so guessing keys costs neither database lookups nor cache space.
@Injectable()
export class FailedAuthLimiter {
  private readonly logger = new Logger('FailedAuth');
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly storage: RedisThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  // Throws 429 while `address` is blocked.
  assertNotBlocked(address: string): void {
    const until = this.blocked.get(address);
    if (until === undefined) return;
    const left = until - Date.now();
    if (left <= 0) {
      this.blocked.delete(address);
      return;
    }
    throw tooMany(Math.ceil(left / 1000));
  }

  // Counts one failure; throws 429 once the address is over the limit (else the caller answers its own 401).
  async recordFailure(address: string): Promise<void> {
    const count = await this.storage.count(`authfail:${address}`, WINDOW_MS);
    if (!count || count.hits <= this.config.auth.authFailuresPerMinute) return;
    if (this.blocked.size >= MAX_BLOCKED) this.sweep();
    if (!this.blocked.has(address)) this.logger.warn({ address, failures: count.hits }, 'Too many failed authentications: address blocked for the window');
    this.blocked.set(address, Date.now() + count.resetS * 1000);
    throw tooMany(count.resetS);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [address, until] of this.blocked) if (until <= now) this.blocked.delete(address);
    // Still full (a distributed attack): forget the oldest entries rather than grow without bound.
    for (const address of this.blocked.keys()) {
      if (this.blocked.size < MAX_BLOCKED) break;
      this.blocked.delete(address);
    }
  }
}

function tooMany(retryAfterS: number): RateLimitedError {
  return new RateLimitedError(`Too many failed authentications from this address; retry after ${retryAfterS} s`, retryAfterS);
}
