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
