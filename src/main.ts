import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { ApiKeysService } from './auth/api-keys.service';
import { SinchWebhook } from './sinch/sinch.module';
import { createApp } from './app.factory';
import { ConfigError, loadConfigFromProcessEnv } from './config/load-config';

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
  const base = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`;
  if (config.runsApi) await app.get(SinchWebhook).onListening(base);
  app.get(Logger).log(`Contact center (${config.role}) listening on ${base}; OpenAPI at ${base}/docs`);

  // Nest closes HTTP, workers and connections on SIGTERM/SIGINT; this bounds how long that may take.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`Shutdown took longer than ${config.http.shutdownTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, config.http.shutdownTimeoutMs).unref();
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
