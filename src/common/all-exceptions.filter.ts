import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ThrottlerException } from '@nestjs/throttler';
import { APP_ERROR_STATUS, AppError, FieldProblem } from './app-error';
import { RateLimitedError } from './rate-limited.error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: FieldProblem[];
  requestId?: string;
}

// One error shape for every endpoint: { statusCode, error, code, message, details? }. `code` is the feature's error
// code (`call_not_found`, ...) or, for an error without one, its status in snake case (`bad_request`). No stack traces
// leave the service; a 500 is logged with its request id, which the client also gets so support can find the log line.
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    replyWithError(exception, context.getRequest<FastifyRequest>(), context.getResponse<FastifyReply>());
  }
}

const logger = new Logger('Errors');

// The filter's answer; routes served outside Nest's router (the Sinch webhook) answer through it too.
export function replyWithError(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const body = errorBody(exception);
  if (body.statusCode >= 500) {
    body.requestId = String(request.id);
    logger.error({ err: exception, requestId: request.id, url: request.url }, 'Unhandled error');
  }
  if (exception instanceof ThrottlerException) reply.header('retry-after', '60');
  if (exception instanceof RateLimitedError) reply.header('retry-after', String(exception.retryAfterS));
  void reply.status(body.statusCode).send(body);
}

// The documented error shape for anything thrown: by our code, by Nest, or by Fastify itself (bad URL, bad JSON, body
// too large, unsupported media type), which app.factory also routes here.
export function errorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppError) {
    const statusCode = APP_ERROR_STATUS[exception.kind];
    const code = exception.code ?? statusCodeName(statusCode);
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message: exception.message, details: exception.details };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code: statusCodeName(statusCode), message };
  }
  // Fastify's own errors (bad JSON, body too large, unsupported media type) carry a 4xx statusCode.
  const fastifyStatus = (exception as { statusCode?: number }).statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return {
      statusCode: fastifyStatus,
      error: STATUS_CODES[fastifyStatus] ?? 'Error',
      code: statusCodeName(fastifyStatus),
      message: (exception as Error).message,
    };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', code: 'internal_server_error', message: 'Internal server error' };
}

// 'Not Found' → 'not_found': the code of an error no feature named.
export function statusCodeName(statusCode: number): string {
  return (STATUS_CODES[statusCode] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
