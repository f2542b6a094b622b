import { sim } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

// An app for the inbound-queue suites: the time-scaled simulator, short re-parks and sweeps, and the suite's queue
// numbers owned in the simulator and synced (each suite routes them to its own queues), and its outcome rules.
export async function createQueueTestApp(opts: { scale: number; numbers: string[]; rules?: unknown[]; env?: Record<string, string> }): Promise<TestApp> {
  const t = await createTestApp({
    SIMULATOR_TIME_SCALE: String(opts.scale),
    QUEUE_PARK_S: '600',
    QUEUE_REPARK_AFTER_MS: '1500',
    QUEUE_SWEEP_MS: '200',
    QUEUE_REFRESH_MS: '500',
    ...opts.env,
  });
  for (const number of opts.numbers) await sim(t, 'POST', '/_sim/numbers', { number, countryId: 'SE', numberType: 'Fixed', assigned: true });
  const synced = await t.request('POST', '/api/v1/numbers/sync');
  if (synced.status !== 200) throw new Error(`numbers sync answered ${synced.status}`);
  if (opts.rules) await sim(t, 'PUT', '/_sim/rules', { rules: opts.rules });
  return t;
}
