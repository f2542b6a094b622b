import { Client } from 'pg';
import { randomUUID } from 'node:crypto';

// The machine's services, overridable from the environment (CI and developers use the same defaults).
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

// A queue prefix of its own for every app a test boots, with a hash tag like production's.
export function uniqueQueuePrefix(): string {
  return `{cct-${randomUUID().slice(0, 8)}}`;
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
