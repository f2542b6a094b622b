import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { Client, Pool } from 'pg';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { deleteRedisKeys as deleteKeysUnder } from '../test/test-env';
import { createApp } from 'src/app.factory';
import { loadConfig } from 'src/config/load-config';
import { applicationAuthorization, signRequest } from 'src/sinch/signing';
import { SinchCredentials, WEBHOOK_PATH } from 'src/sinch/sinch.module';

// Shared by the benchmarks: a throw-away database, the real app on a loopback port, signed callbacks and a
// bounded load loop (undici, keep-alive, fixed concurrency) that reports throughput and latency percentiles.

// Configurable so a bench can run next to a running service: the maintenance database it creates its own from, the
// Redis it uses, and the prefixes of what it creates (databases, BullMQ keys), which it removes again on close.
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DB_PREFIX = process.env.BENCH_DB_PREFIX ?? 'cc_bench';
const QUEUE_PREFIX = process.env.BENCH_QUEUE_PREFIX ?? 'ccb';
// BENCH_SHORT=1: smaller counts for a quick check while developing (a shared machine); a full run without it.
export const SHORT = process.env.BENCH_SHORT === '1';
// Loopback host the bench servers listen on (ports are always ephemeral).
export const BENCH_HOST = process.env.BENCH_HOST ?? '127.0.0.1';

// The node options of `npm start` (package.json), which the Dockerfile's CMD repeats: the service is measured with
// the heap settings production uses (bench/run.ts runs the in-process benches under them).
export function startNodeArgs(root = join(__dirname, '..')): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /^node((?:\s+--\S+)*)\s+dist\/src\/main\.js$/.exec(start);
  if (!match) throw new Error(`package.json's start script is not "node [--options] dist/src/main.js": ${start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}

export interface BenchApp {
  app: NestFastifyApplication;
  url: string;
  databaseUrl: string;
  close(): Promise<void>;
}

// Runs fn on a connection to the maintenance database (create / drop the throw-away ones).
export async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// A throw-away database; drop() removes it (WITH FORCE: the app's pool may still hold connections).
export async function createBenchDatabase(tag = 'app'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${DB_PREFIX}_${tag}_${process.pid}_${Date.now()}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined) };
}

// Deletes every Redis key under a prefix of the bench's Redis.
export function deleteRedisKeys(prefix: string): Promise<number> {
  return deleteKeysUnder(REDIS_URL, prefix);
}

export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const database = await createBenchDatabase();
  const databaseUrl = database.url;
  const queuePrefix = `{${QUEUE_PREFIX}-${randomUUID().slice(0, 8)}}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'silent',
    SIMULATOR_PORT: '0',
    ...env,
  });
  const app = await createApp(config);
  app.useLogger(false);
  await app.listen({ port: 0, host: BENCH_HOST });
  const address = app.getHttpServer().address();
  const base = `http://${BENCH_HOST}:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    url: base,
    databaseUrl,
    close: async () => {
      await app.close();
      await database.drop();
      await deleteRedisKeys(queuePrefix);
    },
  };
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export function signedCallback(app: NestFastifyApplication, payload: object): SignedRequest {
  const { applicationKey, applicationSecret } = app.get(SinchCredentials).current;
  const body = JSON.stringify(payload);
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const contentType = 'application/json';
  const signature = signRequest({ method: 'POST', path: WEBHOOK_PATH, contentType, timestamp, body }, applicationSecret);
  return {
    body,
    headers: { 'content-type': contentType, 'x-timestamp': timestamp, authorization: applicationAuthorization(applicationKey, signature) },
  };
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  // Open loop with `warmupSeconds`: the requests sent before the clock started, summarised apart.
  warmup?: { requests: number; errors: number; p99: number; max: number };
}

// Sends requests[i % n] with `connections` in flight until `count` are done or `maxSeconds` pass. The loop runs in
// a worker thread (load-worker.js): on this 2-core machine, sharing the server's event loop would halve both.
export async function load(
  origin: string,
  path: string,
  requests: SignedRequest[],
  opts: { connections: number; count: number; maxSeconds: number; rate?: number; warmupSeconds?: number },
): Promise<LoadResult> {
  const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: { origin, path, requests, ...opts } });
  const outcome = await new Promise<{
    latencies: number[];
    errors: number;
    seconds: number;
    warmup: { latencies: number[]; errors: number };
    error?: string;
  }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (outcome.error) throw new Error(`load worker failed: ${outcome.error}`);
  const latencies = outcome.latencies.sort((a, b) => a - b);
  const warm = outcome.warmup.latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors: outcome.errors,
    seconds: outcome.seconds,
    perSecond: latencies.length / outcome.seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    ...(warm.length > 0 ? { warmup: { requests: warm.length, errors: outcome.warmup.errors, p99: percentile(warm, 99), max: warm[warm.length - 1] } } : {}),
  };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export const fmt = (r: LoadResult): string =>
  `${r.perSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(1)} ms  (${r.requests} requests, ${r.errors} errors, ${r.seconds.toFixed(1)} s)`;

export async function countRows(databaseUrl: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

export const ratio = (service: number, anchor: number): string => (anchor > 0 ? (service / anchor).toFixed(2) : 'n/a');

// The anchor the webhook goals are measured against: a naive Fastify handler that does one INSERT per event (no
// signature check, no parsing beyond JSON, a unique key for dedupe) into its own throw-away database, and answers
// `answer` for every request.
export async function startNaiveInsertServer(answer: object | undefined): Promise<{ url: string; rows(): Promise<number>; close(): Promise<void> }> {
  const database = await createBenchDatabase('naive');
  const pool = new Pool({ connectionString: database.url, max: 10 });
  // The drop at close ends the database WITH (FORCE): a client the pool still holds then reports it, harmlessly.
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE events (dedupe_key text PRIMARY KEY, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())');
  const server: FastifyInstance = Fastify();
  server.post('/*', async (request) => {
    const body = request.body as Record<string, unknown>;
    await pool.query('INSERT INTO events (dedupe_key, payload) VALUES ($1, $2) ON CONFLICT DO NOTHING', [`${String(body.event)}:${String(body.callid)}`, body]);
    return answer ?? '';
  });
  const url = await server.listen({ port: 0, host: BENCH_HOST });
  return {
    url,
    rows: async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n),
    close: async () => {
      await server.close();
      await pool.end();
      await database.drop();
    },
  };
}
