import { applyDecorators, Controller, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminThrottlerGuard } from './admin-throttler.guard';
import type { Role } from './roles';

export const ROLES_KEY = 'roles';
export const PUBLIC_KEY = 'public';

// Which roles may call a handler or controller. `admin` may always; listing it is optional.
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

// Opts a route out of API-key auth (health, metrics, the Sinch webhook which has its own signature check).
export const Public = () => SetMetadata(PUBLIC_KEY, true);

// Every admin API controller: mounted under /api/v1, API-key auth (global guard), rate limited, documented.
export function AdminController(path: string, tag: string) {
  return applyDecorators(
    Controller(`api/v1/${path}`),
    UseGuards(AdminThrottlerGuard),
    ApiTags(tag),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked API key' }),
    ApiForbiddenResponse({ description: 'The key\'s role may not call this endpoint' }),
    ApiTooManyRequestsResponse({ description: 'Rate limit exceeded' }),
  );
}
