import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService, AuthenticatedKey } from './api-keys.service';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { FailedAuthLimiter } from './failed-auth-limiter.service';
import type { Role } from './roles';
import { AuthError } from 'src/auth/auth.errors';

export type AuthenticatedRequest = FastifyRequest & { apiKey?: AuthenticatedKey };

// Global guard: every route needs a valid API key unless marked @Public(). Roles are checked when declared;
// a route without @Roles is admin-only, so forgetting the decorator fails closed.
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly failedAuth: FailedAuthLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    let key = match ? this.apiKeys.cached(match[1]) : null;
    if (match && key === undefined) {
      // Only a lookup is refused to a blocked address: keys already known keep working from behind a shared proxy.
      this.failedAuth.assertNotBlocked(request.ip);
      key = await this.apiKeys.authenticate(match[1]);
    }
    if (!key) {
      await this.failedAuth.recordFailure(request.ip);
      throw match
        ? new AuthError('api_key_invalid', 'Invalid or revoked API key')
        : new AuthError('api_key_missing', 'Missing API key: send Authorization: Bearer <key>');
    }
    request.apiKey = key;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? ['admin'];
    if (key.role !== 'admin' && !allowed.includes(key.role)) {
      throw new AuthError(
        'role_forbidden',
        `Role ${key.role} may not call this endpoint (allowed: ${['admin', ...allowed.filter((r) => r !== 'admin')].join(', ')})`,
      );
    }
    return true;
  }
}
