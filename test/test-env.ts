import Redis from 'ioredis';
import { Client } from 'pg';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { waitFor } from './wait-for';

// The machine's services, overridable from the environment (CI and developers use the same defaults).
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

// Every queue prefix of one test run starts with this; the run's global teardown deletes the keys under it.
export function runQueuePrefix(): string {
  return `{cct-${process.env.TEST_RUN_TAG ?? 'norun'}-`;
}

// A queue prefix of its own for every app a test boots, with a hash tag like production's.
export function uniqueQueuePrefix(): string {
  return `${runQueuePrefix()}${randomUUID().slice(0, 8)}}`;
}

// Deletes every Redis key under a prefix (SCAN, not KEYS: the Redis may serve a running service or other runs).
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

// Makes the app's database refuse new connections and drops the open ones, as a Postgres outage would.
export async function setDatabaseAccepting(databaseUrl: string, accepting: boolean): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${accepting ? 'true' : 'false'}`);
    if (!accepting) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    }
  } finally {
    await admin.end();
  }
}

export interface OwnRedis {
  url: string;
  // SIGSTOP: connections stay open and nothing answers, the way a hung Redis behaves (worse than a refused
  // connection, which fails fast). `thaw` lets it answer again.
  freeze(): void;
  thaw(): void;
  stop(): void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

// A Redis server of the test's own (no persistence), started and accepting connections.
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let frozen = false;
  await waitFor(async () => {
    const probe = await fetch(`http://127.0.0.1:${port}`).catch((error: Error) => error);
    // Redis answers HTTP with a protocol error and closes: what matters is that it accepts connections.
    return !(probe instanceof Error && /ECONNREFUSED/.test(String((probe as { cause?: unknown }).cause)));
  }, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => {
      redis.kill('SIGSTOP');
      frozen = true;
    },
    thaw: () => {
      redis.kill('SIGCONT');
      frozen = false;
    },
    stop: () => {
      if (frozen) redis.kill('SIGCONT');
      redis.kill('SIGKILL');
    },
  };
}
