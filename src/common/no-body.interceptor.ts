import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { invalidInput } from 'src/common/validation';

// A route that takes no body refuses one: data a route would silently ignore is a client's mistake worth naming.
// Handlers that read the request themselves (@Req: the webhook, streamed imports) decide for themselves.
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !this.routeTakesBody(context)) {
      const body = context.switchToHttp().getRequest<FastifyRequest>().body;
      if (!isEmptyBody(body)) throw invalidInput([{ field: 'body', rule: 'noBody', message: 'This route takes no body: send none (or {})' }]);
    }
    return next.handle();
  }

  private routeTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let takes = this.takesBody.get(handler);
    if (takes === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      const kinds = Object.keys(args).map((key) => Number(key.split(':')[0]));
      takes = kinds.includes(RouteParamtypes.BODY) || kinds.includes(RouteParamtypes.REQUEST) || kinds.includes(RouteParamtypes.RAW_BODY);
      this.takesBody.set(handler, takes);
    }
    return takes;
  }
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === '' || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
}
