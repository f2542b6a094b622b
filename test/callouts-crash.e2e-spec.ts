import { DataSource } from 'typeorm';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { createSimulator } from 'src/simulator/simulator';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { DEV_CREDENTIAL } from 'src/sinch/signing';
import { startChildApp, type ChildApp } from './child-app';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, testEnv, type TestApp } from './test-app';
import { waitFor } from './wait-for';

// waitFor for a condition that answers its value once it holds.
const waitForValue = async <T>(condition: () => Promise<T | undefined>, timeoutMs: number, describe?: () => string): Promise<T> =>
  (await waitFor(condition, timeoutMs, describe)) as T;

const CALLS = 20;

interface Row {
  id: string;
  state: string;
  sinch_call_id: string | null;
  dial_started_at: Date | null;
  final_source: string | null;
}

// A worker process dies (SIGKILL) while its callout requests are in flight: Sinch accepts them, but the worker
// never stores Sinch's call id. Another worker recovers the stalled jobs and must not dial any call again.
describe('callouts: a worker killed mid-dial (e2e)', () => {
  let sinch: SinchSimulator;
  let sim: SimClient;
  let api: TestApp;
  let env: Record<string, string>;
  const workers: ChildApp[] = [];

  beforeAll(async () => {
    sinch = await createSimulator({ port: 0, ...DEV_CREDENTIAL, timeScale: 50 });
    sim = new SimClient(sinch.url);
    // One database and one queue prefix shared by the API (this process) and the worker processes.
    env = testEnv({ SINCH_VOICE_URL: sinch.url, SINCH_CALLOUTS_PER_SECOND: '10', CALLOUT_LOCK_MS: '2000' });
    api = await createTestApp({ ...env, APP_ROLE: 'api' });
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await api?.close();
    await sinch?.close();
  });

  it('never sends a second callout for the same call row', async () => {
    const db = api.app.get(DataSource);
    const { queue } = api.app.get(CalloutJobs);
    const rows = (ids: string[]): Promise<Row[]> =>
      db.query('SELECT id, state, sinch_call_id, dial_started_at, final_source FROM calls WHERE id = ANY($1)', [ids]);

    // Sinch takes 8 s to answer: callouts are in flight when the worker dies, and still unanswered (no DiCE yet)
    // when the next worker recovers their jobs, so only the in-flight marker stands between them and a re-dial.
    await sim.setFaults({ latencyMs: 8000 });
    const first = startChildApp({ ...env, APP_ROLE: 'worker' });
    workers.push(first);
    await first.listening();

    const answers = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        api.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination: `+1415555${2000 + i}`, text: 'Hi' } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(CALLS).fill(202));
    const ids = answers.map((a) => a.body.id as string);

    await waitFor(async () => (await sim.callouts()).length >= 4, 20_000);
    first.child.kill('SIGKILL');
    await first.exited;
    // Requests that had reached Sinch with no answer yet: the worker died mid-dial.
    const inFlight = (await sim.callouts()).filter((c) => c.status === undefined).map((c) => c.ourCallId!);
    expect(inFlight.length).toBeGreaterThan(0);
    const dialledBeforeKill = new Set((await sim.callouts()).map((c) => c.ourCallId));

    await sim.setFaults({});
    const second = startChildApp({ ...env, APP_ROLE: 'worker' });
    workers.push(second);
    await second.listening();

    // Every call ends up finalised by its DiCE, or in doubt (marked in flight, never reached Sinch) and left
    // alone: the worker cannot tell that from a request Sinch got, so it does not dial blindly either.
    let last = '';
    const settled = await waitForValue(
      async () => {
        const current = await rows(ids);
        last = JSON.stringify(current.map((r) => [r.state, r.final_source, r.dial_started_at !== null]));
        const reached = calloutsPerCall(await sim.callouts());
        const done = current.every((r) => r.final_source !== null || (r.state === 'queued' && r.dial_started_at !== null && !reached.has(r.id)));
        const jobStates = await Promise.all(ids.map(async (id) => (await queue.getJob(id))?.getState()));
        last += JSON.stringify(jobStates);
        return done && jobStates.every((s) => s === 'completed') ? current : undefined;
      },
      30_000,
      () => `${last} ${second.output.stderr}`,
    );

    const perCall = calloutsPerCall(await sim.callouts());
    const counts = ids.map((id) => perCall.get(id)?.length ?? 0);
    expect(Math.max(...counts)).toBe(1);
    // Calls Sinch accepted from the dead worker were finalised through `custom`, with no second request.
    for (const id of ids.filter((i) => dialledBeforeKill.has(i))) {
      expect(settled.find((r) => r.id === id)).toMatchObject({ sinch_call_id: expect.any(String), final_source: 'dice' });
    }
    // Their jobs were recovered by the second worker, which declined to dial.
    for (const id of inFlight) {
      const job = await queue.getJob(id);
      expect({ id, outcome: job?.returnvalue?.outcome }).toEqual({ id, outcome: expect.stringMatching(/^(in_doubt|skipped)$/) });
    }
    // The second worker placed the calls the first never reached.
    expect(settled.filter((r) => r.final_source !== null).length).toBeGreaterThan(dialledBeforeKill.size);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
