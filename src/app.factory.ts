import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { requestIdFor } from './common/logger.module';
import { Metrics } from './metrics/metrics';
import { registerWebhookRoute, WEBHOOK_OPENAPI } from './callbacks/webhook-route';
import { WEBHOOK_PATH } from './sinch/sinch.module';

const WORKER_ROLE_PATHS = /^\/(health|metrics)(\/|\?|$)/;

// Builds the application exactly as production runs it; main.ts and the e2e tests both call this.
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: (request: IncomingMessage) => requestIdFor(request),
    bodyLimit: 1024 * 1024,
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

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  if (!config.runsApi) {
    // A worker process answers probes and scrapes only.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (WORKER_ROLE_PATHS.test(request.url)) return done();
      void reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'This process runs workers only (APP_ROLE=worker)' });
    });
  }

  await registerWebhookRoute(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Contact center API')
      .setDescription('Admin API (Authorization: Bearer <api key>), Sinch webhook, health and metrics')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  document.paths[WEBHOOK_PATH] = WEBHOOK_OPENAPI as (typeof document.paths)[string];
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.init();
  return app;
}
