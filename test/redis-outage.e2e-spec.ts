import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { sql } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';
import { waitFor } from './wait-for';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

// A Redis of the test's own that is then frozen (SIGSTOP): connections stay open and nothing answers, the way a
// hung Redis behaves (worse than a refused connection, which fails fast).
describe('the admin API while Redis hangs (e2e)', () => {
  let redis: ChildProcess;
  let t: TestApp;
  let frozen = false;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(async () => {
      const probe = await fetch(`http://127.0.0.1:${port}`).catch((error: Error) => error);
      // Redis answers HTTP with a protocol error and closes: what matters is that it accepts connections.
      return !(probe instanceof Error && /ECONNREFUSED/.test(String((probe as { cause?: unknown }).cause)));
    }, 10_000);
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}`, APP_ROLE: 'api' });
  });

  afterAll(async () => {
    if (frozen) redis.kill('SIGCONT');
    await t?.close();
    redis.kill('SIGKILL');
  });

  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  };

  it('keeps answering: reads within their deadline, callouts stored for the sweep, readiness names Redis', async () => {
    expect((await t.request('GET', '/api/v1/calls')).status).toBe(200);
    redis.kill('SIGSTOP');
    frozen = true;

    const list = await timed(() => t.request('GET', '/api/v1/calls'));
    expect(list.value.status).toBe(200);
    expect(list.ms).toBeLessThan(1_500);

    // A number of its own: the frequency cap counts every call to a number in the run's shared database.
    const destination = `+4670${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const post = await timed(() => t.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination, text: 'Redis is away' } }));
    expect(post.value.status).toBe(202);
    expect(post.ms).toBeLessThan(3_000);
    const [row] = await sql(t, 'SELECT state, to_number FROM calls WHERE id = $1', [post.value.body.id]);
    expect(row).toEqual({ state: 'queued', to_number: destination });

    const ready = await timed(() => t.request('GET', '/health/ready', { key: null }));
    expect(ready.value.status).toBe(503);
    expect(ready.value.body).toMatchObject({ status: 'error', down: ['redis'], checks: { redis: { status: 'down' }, postgres: { status: 'up' } } });
    expect(ready.value.text).not.toMatch(/within|ECONN|127\.0\.0\.1|timeout|ioredis/i);
    expect(ready.ms).toBeLessThan(3_000);

    // Many requests, each within the deadline (the limit is skipped, not waited for).
    const burst = await timed(() => Promise.all(Array.from({ length: 20 }, () => t.request('GET', '/api/v1/calls'))));
    expect(burst.value.every((r) => r.status === 200)).toBe(true);
    expect(burst.ms).toBeLessThan(3_000);

    redis.kill('SIGCONT');
    frozen = false;
    await waitFor(async () => (await t.request('GET', '/health/ready', { key: null })).status === 200, 10_000);
  });
});
