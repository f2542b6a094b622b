import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimitedError } from 'src/common/rate-limited.error';
import type { AuthenticatedRequest } from './api-key.guard';

// Limits per API key (set by the global ApiKeyGuard, which runs first), falling back to the client address.
@Injectable()
export class AdminThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as AuthenticatedRequest;
    return req.apiKey ? `key:${req.apiKey.id}` : `ip:${req.ip}`;
  }

  // One window per key across all routes (the library's default key also names the controller and handler).
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterS = Math.max(1, detail.timeToBlockExpire);
    throw new RateLimitedError(`Rate limit exceeded: ${detail.limit} requests per ${detail.ttl / 1000} s; retry after ${retryAfterS} s`, retryAfterS);
  }
}
