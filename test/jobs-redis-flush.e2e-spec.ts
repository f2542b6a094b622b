import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { CALLOUT_JOBS } from 'src/callouts/callout.jobs';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { JobRuntime } from 'src/jobs/job-runtime.service';
import { redisOptionsFromUrl } from 'src/redis/redis-options';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { createCampaign, importContacts } from './campaign-fixtures';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

// A Redis logical database of its own: the flush below wipes only this app's jobs, never other test runs' keys.
const FLUSHED_REDIS_URL = 'redis://127.0.0.1:6379/9';

// Losing Redis's data (FLUSHALL, a failover without persistence) mid-campaign: the schedules come back within a
// check interval, the callouts sweep re-derives lost dial jobs from Postgres, and every contact is dialled once.
describe('jobs survive losing Redis data (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let sim: SimClient;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp({
      REDIS_URL: FLUSHED_REDIS_URL,
      SIMULATOR_TIME_SCALE: '10',
      SINCH_CALLOUTS_PER_SECOND: '100',
      CAMPAIGN_DIALER_INTERVAL_MS: '200',
      // The sweep re-adds a dial job lost with Redis after a second.
      CALLOUT_SWEEP_INTERVAL_S: '1',
      CALLOUT_REQUEUE_AFTER_S: '1',
    });
    db = t.app.get(DataSource);
    sim = new SimClient(t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url);
    redis = new Redis(redisOptionsFromUrl(FLUSHED_REDIS_URL));
  });

  afterAll(async () => {
    await t?.close();
    await redis?.quit();
  });

  it('restores every declared schedule that Redis lost', async () => {
    const runtime = t.app.get(JobRuntime);
    await waitFor(
      async () => (await runtime.assertSchedules()) === 0,
      10_000,
      () => 'schedules never all in place',
    );
    // BullMQ keeps each queue's job schedulers in its `<prefix>:<queue>:repeat` sorted set.
    const schedulesInRedis = async () => {
      let count = 0;
      for (const key of await redis.keys('*:repeat')) count += await redis.zcard(key);
      return count;
    };
    // A worker finishing a repeatable job re-adds its schedule at once, so one may be back between the flush and the
    // count: flush until a count sees Redis empty.
    await waitFor(
      async () => {
        await redis.flushdb();
        return (await schedulesInRedis()) === 0;
      },
      5_000,
      () => 'Redis never seen empty after a flush',
    );
    expect(await schedulesInRedis()).toBeLessThan(11);
    // Restored by this call, or by the runtime's own check every 5 s when it runs at the same moment (this call then
    // returns 0 as a round is in flight): what counts is what is back in Redis.
    await runtime.assertSchedules();
    // callouts sweep, reconcile, follow-ups sweep, dialer tick, dialer sweep, numbers sync, queues sweep, recordings
    // missing and retention, roll-up check, budgets check.
    await waitFor(
      async () => (await schedulesInRedis()) === 11,
      10_000,
      () => 'schedules not all restored',
    );
    expect(await schedulesInRedis()).toBe(11);
    expect(await runtime.assertSchedules()).toBe(0);
  });

  it('a campaign whose Redis is flushed mid-way dials every contact exactly once', async () => {
    const phones = Array.from({ length: 30 }, (_, i) => `+1404508${String(i * 10 + 1).padStart(4, '0')}`);
    const c = await createCampaign(t, { pacing: { callsPerSecond: 5, maxConcurrent: 10 } });
    await importContacts(
      t,
      c.id,
      phones.map((phone) => ({ phone })),
    );
    const since = await sim.lastSeq();
    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);

    const callCount = async (): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM calls WHERE campaign_id = $1', [c.id]))[0].n;
    await waitFor(
      async () => (await callCount()) >= 5,
      15_000,
      () => 'the campaign never started dialling',
      20,
    );
    const before = await callCount();
    await redis.flushdb();
    expect(before).toBeLessThan(phones.length);

    await waitFor(
      async () =>
        ((await db.query(`SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND status IN ('pending', 'in_progress')`, [c.id]))[0]
          .n as number) === 0,
      60_000,
      () => 'contacts still pending or in progress after the flush',
      100,
    );

    const rows: { phone: string; status: string; attempts: number; calls: number }[] = await db.query(
      `SELECT c.phone, c.status, c.attempts, (SELECT count(*)::int FROM calls k WHERE k.contact_id = c.id) AS calls
       FROM campaign_contacts c WHERE c.campaign_id = $1 ORDER BY c.phone`,
      [c.id],
    );
    expect(rows.map((r) => r.phone)).toEqual([...phones].sort());
    for (const r of rows) expect(r).toMatchObject({ status: 'completed', attempts: 1, calls: 1 });

    // Sinch's side: one accepted callout per call row, one call per number.
    const placed = (await sim.callouts(since)).filter((x) => x.status === 200);
    const perCall = calloutsPerCall(placed);
    const ours: { id: string }[] = await db.query('SELECT id FROM calls WHERE campaign_id = $1', [c.id]);
    expect(ours).toHaveLength(phones.length);
    for (const { id } of ours) expect(perCall.get(id)).toHaveLength(1);
    expect(placed.filter((x) => ours.some((o) => o.id === x.ourCallId))).toHaveLength(phones.length);
  });

  // BullMQ trims a queue's whole completed set by the bounds of the job that just finished: a sweep keeping 10 runs
  // used to cut the dial jobs' history to 10 as well.
  it('a callouts sweep keeps none of its own runs and leaves the completed dial jobs as declared', async () => {
    const { queue } = t.app.get(CalloutJobs);
    const completedDials = async () => (await queue.getJobs(['completed'])).filter((j) => j.name === 'dial').length;
    const before = await completedDials();
    expect(before).toBeGreaterThan(10);
    const sweep = await CALLOUT_JOBS.add(queue, 'sweep', {});
    await waitFor(
      async () => (await queue.getJob(sweep.id!)) === undefined,
      10_000,
      () => 'the sweep never completed',
    );
    expect(await completedDials()).toBe(before);
    expect((await queue.getJobs(['completed'])).filter((j) => j.name === 'sweep')).toEqual([]);
  });
});
