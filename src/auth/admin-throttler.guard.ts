import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './api-key.guard';

// Limits per API key (set by the global ApiKeyGuard, which runs first), falling back to the client address.
@Injectable()
export class AdminThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as AuthenticatedRequest;
    return req.apiKey ? `key:${req.apiKey.id}` : `ip:${req.ip}`;
  }
}
