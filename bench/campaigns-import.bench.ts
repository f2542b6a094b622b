import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { request } from 'undici';
import { admin, DB_PREFIX, deleteRedisKeys, POSTGRES_URL, REDIS_URL, startNodeArgs } from './bench-kit';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const INVALID_EVERY = 10_000; // a few bad rows, so the rejection path is part of the run
const GOAL_SECONDS = 15;
const GOAL_RSS_MB = 200;
const ADMIN_KEY = `bench-admin-${randomUUID()}`;

// The CSV is generated while it is sent: the client holds a chunk, never the file.
function* csvLines(rows: number): Generator<string> {
  yield 'phone,timeZone,firstName,plan\n';
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    const phone = i % INVALID_EVERY === INVALID_EVERY - 1 ? `bad-${i}` : `+14045${String(i).padStart(6, '0')}`;
    const zone = i % 3 === 0 ? 'America/Chicago' : '';
    chunk += `${phone},${zone},Name${i},${i % 2 === 0 ? 'gold' : 'silver'}\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

// Resident memory of a process, from Linux's /proc: now (VmRSS) and the peak of its whole life (VmHWM).
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

interface CompiledService {
  pid: number;
  listening(timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

// The service as production runs it (compiled JavaScript, not ts-node, whose compiler alone is ~100 MB of RSS),
// built into a temporary directory so the repository's dist/ is left alone.
function startCompiledService(env: Record<string, string>): CompiledService {
  const root = join(__dirname, '..');
  const outDir = mkdtempSync(join(tmpdir(), 'cc-bench-build-'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], {
    cwd: root,
    stdio: 'ignore',
  });
  const child = spawn(process.execPath, [...startNodeArgs(root), ...extraNodeArgs(), '-r', 'tsconfig-paths/register', join(outDir, 'src', 'main.js')], {
    cwd: root,
    // tsconfig-paths maps `src/...` onto the build; node_modules are the repository's.
    env: { PATH: process.env.PATH ?? '', TS_NODE_BASEURL: outDir, NODE_PATH: join(root, 'node_modules'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    pid: child.pid ?? 0,
    listening: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) return match[1];
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`service did not start: ${stderr.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

// BENCH_NODE_ARGS: node flags that NODE_OPTIONS refuses, for a profile (`--cpu-prof --cpu-prof-dir=/tmp/prof`).
function extraNodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

// 1,000,000 contacts through POST /api/v1/campaigns/{id}/contacts as text/csv, streamed end to end, into the
// service running as its own process (so its memory is measured alone): wall time, and the process's peak RSS.
export async function run(): Promise<void> {
  const dbName = `${DB_PREFIX}_import_${process.pid}_${Date.now()}`;
  const queuePrefix = `{${process.env.BENCH_QUEUE_PREFIX ?? 'ccb'}-${randomUUID().slice(0, 8)}}`;
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const databaseUrl = new URL(POSTGRES_URL);
  databaseUrl.pathname = `/${dbName}`;
  // An API process, as in production: no workers, no embedded simulator (credentials are set, so nothing is
  // registered with a simulator; the import never calls Sinch).
  const app = startCompiledService({
    APP_ROLE: 'api',
    SINCH_APPLICATION_KEY: 'bench-application-key',
    SINCH_APPLICATION_SECRET: Buffer.from('bench-application-secret').toString('base64'),
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    SIMULATOR_PORT: '0',
    ADMIN_API_KEY: ADMIN_KEY,
    CAMPAIGN_IMPORT_MAX_MB: '1024',
    // The heap settings are npm start's (startNodeArgs); BENCH_NODE_OPTIONS adds to them for an experiment.
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
  });
  try {
    const base = await app.listening(60_000);
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    const created = await request(`${base}/api/v1/campaigns`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'import bench',
        callerIds: ['+14045001000'],
        message: { type: 'tts', text: 'Hello {{firstName}}' },
        callingWindow: { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' },
        defaultTimeZone: 'America/New_York',
        pacing: { callsPerSecond: 5, maxConcurrent: 10 },
      }),
    });
    const campaign = (await created.body.json()) as { id: string };
    const before = memoryMb(app.pid);

    const started = process.hrtime.bigint();
    const response = await request(`${base}/api/v1/campaigns/${campaign.id}/contacts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: Readable.from(csvLines(ROWS)),
      headersTimeout: 600_000,
      bodyTimeout: 600_000,
    });
    const result = (await response.body.json()) as Record<string, unknown>;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = memoryMb(app.pid);

    const stored = await admin(async () => {
      const db = new Client({ connectionString: databaseUrl.toString() });
      await db.connect();
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1', [campaign.id]);
      await db.end();
      return rows[0].n;
    });
    const { errors: _errors, ...summary } = result;
    process.stdout.write(`status ${response.statusCode}: ${JSON.stringify(summary)}\n`);
    process.stdout.write(
      `${ROWS.toLocaleString('en')} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds).toLocaleString('en')} rows/s), ` +
        `${stored.toLocaleString('en')} contacts stored\n` +
        `service process RSS: ${before.rss} MB before the import, peak ${after.peak} MB (whole life), ${after.rss} MB after\n`,
    );
    const ok = response.statusCode === 200 && seconds < GOAL_SECONDS && after.peak < GOAL_RSS_MB;
    const verdict = ROWS >= 1_000_000 ? (ok ? 'met' : 'NOT met') : 'not judged (the goal is for 1,000,000 rows)';
    process.stdout.write(`goal < ${GOAL_SECONDS} s and < ${GOAL_RSS_MB} MB peak RSS: ${verdict}\n`);
  } finally {
    await app.stop();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
    await deleteRedisKeys(queuePrefix);
  }
}
