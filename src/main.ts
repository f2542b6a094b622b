import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { SinchWebhook } from 'src/sinch/sinch.module';
import { createApp } from './app.factory';
import { ConfigError, loadConfigFromProcessEnv } from 'src/config/load-config';

async function main(): Promise<void> {
  const config = loadConfigFromProcessEnv();
  const app = await createApp(config);

  if (config.runsApi) {
    const { generatedKey } = await app.get(ApiKeysService).ensureBootstrapAdmin();
    if (generatedKey) {
      // stdout, not the log: the key must not end up in log storage, and it is shown this once.
      process.stdout.write(`\nDevelopment admin API key (shown once, stored hashed): ${generatedKey}\n\n`);
    }
  }

  await app.listen({ port: config.http.port, host: config.http.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const base = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  if (config.runsApi) await app.get(SinchWebhook).onListening(base);
  app.get(Logger).log(`Contact center (${config.role}) listening on ${base}; OpenAPI at ${base}/docs`);
  process.stdout.write(`Contact center (${config.role}) listening on ${base}  OpenAPI: ${base}/docs  Ready: ${base}/health/ready\n`);

  // Graceful shutdown, HTTP first: Fastify stops accepting connections, closes idle keep-alive ones, answers
  // requests that still arrive on busy connections with 503 + Connection: close (return503OnClosing) and lets
  // in-flight requests finish while Postgres and Redis are still there. Then app.close() closes BullMQ workers
  // (which wait for their active jobs), Redis and Postgres. Nest's own enableShutdownHooks() re-raises the signal
  // afterwards, which ends the process with 143 instead of 0, so we handle the signals here.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.get(Logger).log(`${signal} received: draining HTTP, then shutting down`);
      setTimeout(() => {
        process.stderr.write(`Shutdown took longer than ${config.http.shutdownTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, config.http.shutdownTimeoutMs).unref();
      app
        .getHttpAdapter()
        .getInstance()
        .close()
        .then(() => app.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`Shutdown failed: ${(error as Error).message}\n`);
            process.exit(1);
          },
        );
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
