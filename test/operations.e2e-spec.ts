import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { displayPrefix, hashApiKey } from 'src/auth/api-key-secret';
import { startChildApp, type ChildApp } from './child-app';
import { testEnv } from './test-app';
import { databaseUrl, TEST_POSTGRES_URL } from './test-env';
import { waitFor } from './wait-for';

// Production-like processes (src/main.ts as a child, LOG_LEVEL info) on a database of their own.
describe('operations: logs, bootstrap key rotation, shutdown drain (e2e)', () => {
  const dbName = `${process.env.TEST_DATABASE_NAME ?? 'cc_test'}_ops`;
  const url = databaseUrl(dbName);
  const keyA = `admin-A-${randomBytes(24).toString('base64url')}`;
  const keyB = `admin-B-${randomBytes(24).toString('base64url')}`;
  const running: ChildApp[] = [];

  const start = (overrides: Record<string, string>): ChildApp => {
    const run = startChildApp(testEnv({ DATABASE_URL: url, LOG_LEVEL: 'info', APP_ROLE: 'api', ...overrides }));
    running.push(run);
    return run;
  };
  const stop = async (run: ChildApp): Promise<number | null> => {
    run.child.kill('SIGTERM');
    return run.exited;
  };
  const query = async (text: string): Promise<void> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const get = (base: string, path: string, key?: string) => fetch(base + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  afterAll(async () => {
    for (const run of running) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('keeps phone numbers, keys, key hashes and prefixes out of the logs of failing queries and requests', async () => {
    const phone = '+46701239876';
    const run = start({ ADMIN_API_KEY: keyA });
    const base = await run.listening();
    // Postgres refuses these rows: the failed queries carry the phone number, a new key's hash and prefix.
    await query(`ALTER TABLE calls ADD CONSTRAINT ck_e2e_refuse_number CHECK (to_number IS DISTINCT FROM '${phone}')`);
    await query("ALTER TABLE api_keys ADD CONSTRAINT ck_e2e_refuse_name CHECK (name <> 'e2e refused')");

    const headers = { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' };
    const callout = await fetch(`${base}/api/v1/callouts`, { method: 'POST', headers, body: JSON.stringify({ type: 'tts', destination: phone, text: 'hi' }) });
    expect(callout.status).toBe(500);
    const key = await fetch(`${base}/api/v1/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'e2e refused', role: 'reporting' }) });
    expect(key.status).toBe(500);
    expect((await get(base, `/api/v1/calls?number=${encodeURIComponent(phone)}`, keyA)).status).toBe(200);
    expect((await get(base, `/api/v1/calls?number=${encodeURIComponent(phone)}`, 'cck_wrong-key')).status).toBe(401);

    // The failures and requests were logged...
    await waitFor(
      () => run.output.stdout.includes('ck_e2e_refuse_name') && run.output.stdout.includes('"statusCode":401'),
      5_000,
      () => run.output.stdout,
    );
    expect(run.output.stdout).toContain('ck_e2e_refuse_number');
    expect(run.output.stdout).toMatch(/"url":"\/api\/v1\/calls"/);
    expect(await stop(run)).toBe(0);
    // ...without what they carried.
    const log = run.output.stdout + run.output.stderr;
    for (const secret of [phone, phone.slice(1), '46701239876', encodeURIComponent(phone), keyA, hashApiKey(keyA), displayPrefix(keyA), 'cck_wrong']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/cck_[A-Za-z0-9_-]{6}/); // the refused key's prefix
    expect(log).not.toMatch(/[0-9a-f]{64}/); // its hash
    expect(log).not.toMatch(/Failing row contains/);
  });

  it('revokes the previous bootstrap key when ADMIN_API_KEY changes', async () => {
    const first = start({ ADMIN_API_KEY: keyA });
    let base = await first.listening();
    expect((await get(base, '/api/v1/api-keys', keyA)).status).toBe(200);
    expect(await stop(first)).toBe(0);

    const second = start({ ADMIN_API_KEY: keyB });
    base = await second.listening();
    expect((await get(base, '/api/v1/api-keys', keyA)).status).toBe(401);
    const list = await get(base, '/api/v1/api-keys?limit=100', keyB);
    expect(list.status).toBe(200);
    const bootstrap = ((await list.json()) as { items: { keyPrefix: string; revokedAt: string | null }[] }).items.filter((k) =>
      [displayPrefix(keyA), displayPrefix(keyB)].includes(k.keyPrefix),
    );
    expect(bootstrap).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyPrefix: displayPrefix(keyA), revokedAt: expect.any(String) }),
        expect.objectContaining({ keyPrefix: displayPrefix(keyB), revokedAt: null }),
      ]),
    );
    expect(await stop(second)).toBe(0);
  });

  it('drains on SIGTERM: in-flight requests complete, later ones get 503 + Connection: close, nothing is reset, exit 0', async () => {
    // Many callouts to one number: the frequency cap (which counts every call of the run's shared database) stays out.
    const run = start({ ADMIN_API_KEY: keyB, FREQUENCY_CAP_CALLS: '1000' });
    const base = await run.listening();
    const { hostname, port } = new URL(base);
    const body = JSON.stringify({ type: 'tts', destination: '+46701234560', text: 'draining' });

    // In flight: a callout whose body has not fully arrived yet (the server is waiting for it).
    const inFlight = await Promise.all(Array.from({ length: 4 }, () => rawConnection(hostname, Number(port))));
    for (const c of inFlight) {
      c.socket.write(
        `POST /api/v1/callouts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keyB}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
    }
    // Idle keep-alive connections: one request answered, then nothing.
    const idle = await Promise.all(Array.from({ length: 3 }, () => rawConnection(hostname, Number(port))));
    for (const c of idle) c.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => idle.every((c) => c.data.includes('"status":"ok"')), 5_000);

    run.child.kill('SIGTERM');
    // Draining: idle connections are closed by the server (a clean close, no reset).
    await waitFor(
      () => idle.every((c) => c.closed),
      5_000,
      () => idle.map((c) => c.data).join('\n'),
    );
    // The in-flight requests finish, and a request arriving behind each on its connection gets 503 + close.
    for (const c of inFlight) c.socket.write(`${body.slice(10)}GET /api/v1/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keyB}\r\n\r\n`);
    await waitFor(
      () => inFlight.every((c) => c.closed),
      10_000,
      () => inFlight.map((c) => c.data).join('\n'),
    );

    for (const c of inFlight) {
      const responses = c.data.split(/(?=HTTP\/1\.1 )/);
      expect(responses).toHaveLength(2);
      expect(responses[0]).toMatch(/^HTTP\/1\.1 202 /);
      expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
      expect(responses[1]).toMatch(/\r\nconnection: close\r\n/i);
    }
    for (const c of [...inFlight, ...idle]) expect(c.errors).toEqual([]);
    expect(await run.exited).toBe(0);
  });
});

interface RawConnection {
  socket: Socket;
  data: string;
  closed: boolean;
  errors: string[];
}

async function rawConnection(host: string, port: number): Promise<RawConnection> {
  const socket = connect({ host, port });
  const c: RawConnection = { socket, data: '', closed: false, errors: [] };
  socket.on('data', (chunk: Buffer) => (c.data += chunk.toString()));
  socket.on('error', (error: NodeJS.ErrnoException) => c.errors.push(error.code ?? error.message));
  socket.on('close', () => (c.closed = true));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return c;
}
