import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from 'src/app.factory';
import { ApiKeysService } from 'src/auth/api-keys.service';
import type { Role } from 'src/auth/roles';
import { SinchWebhook } from 'src/sinch/sinch.module';
import { AppConfig } from 'src/config/app-config';
import { loadConfig } from 'src/config/load-config';
import { Client } from 'pg';
import { databaseUrl, setDatabaseAccepting, startOwnRedis, TEST_POSTGRES_URL, TEST_REDIS_URL, uniqueQueuePrefix, type OwnRedis } from './test-env';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  keys: Record<Role, string>;
  request(method: string, path: string, options?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary JSON
  text: string;
}

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run e2e tests through jest (globalSetup creates it)');
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SIMULATOR_PORT: '0',
    SIMULATOR_TIME_SCALE: '50',
    ...overrides,
  };
}

// Boots the real application (same factory as production) on a random port and gives it one API key per role.
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig(testEnv(overrides));
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  if (config.runsApi) await app.get(SinchWebhook).onListening(url);

  const keys = {} as Record<Role, string>;
  if (config.runsApi) {
    const apiKeys = app.get(ApiKeysService);
    for (const role of ['admin', 'supervisor', 'agent', 'reporting'] as const) {
      keys[role] = (await apiKeys.create(`test ${role}`, role, null)).key;
    }
  }

  const request: TestApp['request'] = async (method, path, options = {}) => {
    const key = options.key === undefined ? keys.admin : options.key;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  return { app, config, url, keys, request, close: () => app.close() };
}

// An api app on a Redis server of its own (startOwnRedis), for suites that freeze it; close() stops both.
export async function createTestAppOnOwnRedis(): Promise<TestApp & { redis: OwnRedis }> {
  const redis = await startOwnRedis();
  try {
    const t = await createTestApp({ REDIS_URL: redis.url, APP_ROLE: 'api' });
    return { ...t, redis, close: () => t.close().finally(() => redis.stop()) };
  } catch (err) {
    redis.stop();
    throw err;
  }
}

// A test app on a database of its own (created by the app, dropped on close): for suites that make their database
// refuse connections, which must not disturb the other suites sharing the run's database, or that own a whole table
// (the numbers suite's syncs release every number its simulator does not have).
export async function createTestAppWithOwnDatabase(suffix: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  const name = `${process.env.TEST_DATABASE_NAME ?? 'cc_test'}_${suffix}`;
  const t = await createTestApp({ ...overrides, DATABASE_URL: databaseUrl(name) });
  return {
    ...t,
    close: async () => {
      await setDatabaseAccepting(t.config.database.url, true);
      await t.close();
      const admin = new Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
