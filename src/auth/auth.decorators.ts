import { applyDecorators, Controller, createParamDecorator, SetMetadata, UseGuards, type ExecutionContext, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { AdminThrottlerGuard } from './admin-throttler.guard';
import { IDEMPOTENCY_HEADER, type IdempotencyOf } from 'src/common/idempotency/idempotency.service';
import type { AuthenticatedRequest } from './api-key.guard';
import type { Role } from './roles';

export const ROLES_KEY = 'roles';
export const PUBLIC_KEY = 'public';

// Which roles may call a handler or controller. `admin` may always; listing it is optional.
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

// Opts a route out of API-key auth (health, metrics, the Sinch webhook which has its own signature check).
export const Public = () => SetMetadata(PUBLIC_KEY, true);

// A handler's Idempotency-Key header with the API key that sent it (IdempotencyService remembers keys per both).
export const Idempotency = createParamDecorator((_: unknown, context: ExecutionContext): IdempotencyOf => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.headers[IDEMPOTENCY_HEADER];
  return { key: typeof key === 'string' ? key : undefined, owner: request.apiKey?.id ?? 'unknown' };
});

// Every admin API controller: mounted under /api/v1, API-key auth (global guard), rate limited, documented.
export function AdminController(path: string, tag: string) {
  return applyDecorators(
    Controller(`api/v1/${path}`),
    UseGuards(AdminThrottlerGuard),
    ApiTags(tag),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked API key' }),
    ApiForbiddenResponse({ description: "The key's role may not call this endpoint" }),
    ApiTooManyRequestsResponse({ description: 'Rate limit exceeded' }),
  );
}

// States in the OpenAPI document what the guard enforces: each admin route's roles (from the same @Roles metadata, so
// the two cannot drift), the 400 of the input policy on every route that takes input, and the 404 of an unknown id.
export function documentRolesAndErrors(controllers: Type[], document: OpenAPIObject): void {
  const handlers = new Map<string, object[]>();
  for (const controller of controllers) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler: unknown = controller.prototype[name];
      if (name !== 'constructor' && typeof handler === 'function') handlers.set(`${controller.name}_${name}`, [handler, controller]);
    }
  }
  const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    methods.flatMap((m) => (item[m] ? [{ path, operation: item[m] as OperationObject }] : [])),
  );
  for (const { path, operation } of operations) {
    const targets = operation.operationId ? handlers.get(operation.operationId) : undefined;
    if (!targets) continue;
    const reflect = <T>(key: string): T | undefined => targets.map((t) => Reflect.getMetadata(key, t) as T | undefined).find((v) => v !== undefined);
    if (!reflect<boolean>(PUBLIC_KEY) && !operation.description?.startsWith('Roles:')) {
      const roles = reflect<Role[]>(ROLES_KEY) ?? ['admin'];
      const stated = `Roles: ${['admin', ...roles.filter((r) => r !== 'admin')].join(', ')}`;
      operation.description = operation.description ? `${stated}. ${operation.description}` : stated;
    }
    // A path parameter bound to a DTO (@Param() dto) is validated without being listed in `parameters`.
    if ((operation.parameters?.length || operation.requestBody || path.includes('{')) && !operation.responses['400']) {
      operation.responses['400'] = { description: 'Invalid input: `details` names each field and the rule it breaks' };
    }
    if (path.includes('{id}') && !operation.responses['404']) operation.responses['404'] = { description: 'No such id' };
  }
}
