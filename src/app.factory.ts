import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import helmet from 'helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from 'src/common/error.response';
import { Logger } from 'nestjs-pino';
import { AppModule } from 'src/app.module';
import { documentRolesAndErrors } from 'src/auth/auth.module';
import { AppConfig } from 'src/config/app-config';
import { errorBody } from 'src/common/all-exceptions.filter';
import { useJsonBodyParser } from 'src/common/json-body';
import { requestIdFor } from 'src/common/logger.module';
import { Metrics } from 'src/metrics/metrics';
import { registerWebhookRoute, WEBHOOK_OPENAPI } from 'src/callbacks/webhook-route';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { registerConsole } from 'src/console/console-route';

const WORKER_ROLE_PATHS = /^\/(health|metrics)(\/|\?|$)/;
const BODY_LIMIT = 1024 * 1024;
const MAX_PARAM_LENGTH = 200;
// Swagger UI's and the console's static assets may be cached; every other answer (keys, calls, phone numbers) must not be.
const CACHEABLE_PATHS = /^\/(docs\/[^?]+\.(js|css|png)|console\/assets\/[^?]+)(\?|$)/;

// Errors Fastify raises before routing (a URL with bad percent-encoding) get the documented error shape too.
// These answers skip every hook (helmet's too) and are never a page: the strictest headers, set here.
function sendFrameworkError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const body = errorBody(error);
  // Fastify's messages quote the whole URL back, however long.
  if (error.code === 'FST_ERR_BAD_URL') body.message = 'The URL is not validly percent-encoded';
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') body.message = `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`;
  void reply
    .headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" })
    .status(body.statusCode)
    .send(body);
}

// On close, Node ends the keep-alive sockets that are idle, but counts a socket that has not sent a request yet as
// busy until its headersTimeout (60 s): one such socket held a shutdown for a minute (seen in the e2e suites). At
// close every socket with no response in progress is ended; those serving a request finish it (with
// `Connection: close`, return503OnClosing).
function endQuietSocketsOnClose(fastify: FastifyInstance): void {
  const sockets = new Set<Socket>();
  fastify.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  fastify.addHook('preClose', (done) => {
    // `_httpMessage` is the response Node's HTTP server is writing on the socket (its own field, set per request).
    for (const socket of sockets) if (!(socket as Socket & { _httpMessage?: unknown })._httpMessage) socket.destroy();
    done();
  });
}

// Builds the application exactly as production runs it; main.ts and the e2e tests both call this.
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: (request: IncomingMessage) => requestIdFor(request),
    bodyLimit: BODY_LIMIT,
    // Ids are UUIDs; a longer segment is not matched (404) rather than reaching a handler.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: sendFrameworkError as never,
    // Sinch retries nothing; keep sockets to the API behind a load balancer alive a little longer than typical LBs.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle', // on close: idle keep-alive sockets are closed, busy ones get 503 + Connection: close
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    rawBody: true, // the Sinch webhook verifies its signature over the exact bytes received
    bufferLogs: true, // start-up lines go through pino (JSON, redacted), not Nest's console logger
    abortOnError: false, // let start-up errors reach main(), which prints one line and exits non-zero
  });
  app.useLogger(app.get(Logger));
  useJsonBodyParser(app, BODY_LIMIT);
  const fastify = app.getHttpAdapter().getInstance();
  // Headers for a JSON API; helmet's default CSP (scripts and styles from 'self', inline styles) also fits /docs.
  // helmet's middleware is built once: the @fastify/helmet plugin rebuilt it, re-parsing the CSP, on every request.
  const securityHeaders = helmet();
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (!CACHEABLE_PATHS.test(request.url)) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  endQuietSocketsOnClose(fastify as unknown as FastifyInstance);
  if (!config.runsApi) {
    // A worker process answers probes and scrapes only.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (WORKER_ROLE_PATHS.test(request.url)) return done();
      void reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'This process runs workers only (APP_ROLE=worker)' });
    });
  }

  await registerWebhookRoute(app);
  if (config.runsApi) await registerConsole(fastify as unknown as FastifyInstance);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Contact center API')
      .setDescription('Admin API (Authorization: Bearer <api key>), Sinch webhook, health and metrics')
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ErrorResponse] },
  );
  const controllers = [...app.get(ModulesContainer).values()].flatMap((m) => [...m.controllers.values()].map((c) => c.metatype as Type));
  documentRolesAndErrors(controllers, document);
  document.paths[WEBHOOK_PATH] = WEBHOOK_OPENAPI as (typeof document.paths)[string];
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.init();
  return app;
}
