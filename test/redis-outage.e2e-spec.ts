import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { sql } from './callbacks-kit';
import { createTestApp, createTestAppOnOwnRedis } from './test-app';
import { waitFor } from './wait-for';

// A Redis of the test's own that is then frozen: connections stay open and nothing answers (see startOwnRedis).
describe('the admin API while Redis hangs (e2e)', () => {
  let t: Awaited<ReturnType<typeof createTestAppOnOwnRedis>>;

  beforeAll(async () => {
    t = await createTestAppOnOwnRedis();
  });

  afterAll(async () => {
    await t?.close();
  });

  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  };

  it('keeps answering: reads within their deadline, callouts stored for the sweep, readiness names Redis', async () => {
    expect((await t.request('GET', '/api/v1/calls')).status).toBe(200);
    t.redis.freeze();

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

    t.redis.thaw();
    await waitFor(async () => (await t.request('GET', '/health/ready', { key: null })).status === 200, 10_000);

    // Redis back. A frozen Redis runs the held enqueue when it thaws; a stopped one would have lost it. Remove the
    // job (its id is the call id) to be in that case: the worker's sweep must still find the stored callout and
    // place it.
    const queue = t.app.get(CalloutJobs).queue;
    await queue.remove(post.value.body.id as string);
    expect(await queue.getJob(post.value.body.id as string)).toBeUndefined();
    const worker = await createTestApp({
      REDIS_URL: t.redis.url,
      QUEUE_PREFIX: t.config.redis.queuePrefix,
      APP_ROLE: 'all',
      CALLOUT_SWEEP_INTERVAL_S: '1',
      CALLOUT_REQUEUE_AFTER_S: '1',
    });
    try {
      const placed = await waitFor(async () => {
        const [call] = await sql(t, 'SELECT state, sinch_call_id FROM calls WHERE id = $1', [post.value.body.id]);
        return call.sinch_call_id ? call : undefined;
      }, 20_000);
      expect(placed?.state).not.toBe('queued');
    } finally {
      await worker.close();
    }
  }, 90_000);
});
