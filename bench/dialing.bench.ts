import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { request } from 'undici';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import { SinchWebhook } from 'src/sinch/sinch.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { startBenchApp } from './bench-kit';

// Progressive against predictive, side by side in one run (the figures): AGENTS agents per campaign,
// CONTACTS contacts, ANSWER_RATE of them answered by a person, HANDLE_S seconds of talk per answered call, the
// simulator's clock SCALE times real time. Both campaigns run at once on their own queues and agents, so the machine's
// load is the same for both. Goal: predictive occupancy ≥ 85 % with abandon rate ≤ 3 %, progressive 0 abandons.
const AGENTS = Number(process.env.BENCH_DIAL_AGENTS ?? 20);
const CONTACTS = Number(process.env.BENCH_DIAL_CONTACTS ?? 5000);
const SCALE = Number(process.env.BENCH_DIAL_SCALE ?? 20);
const HANDLE_S = 120;
const RING_S = 15; // a person picks up after 15 s
const NO_ANSWER_S = 25; // nobody: the call gives up after 25 s
const MODES = ['progressive', 'predictive'] as const;
// The simulator in its own process (default): its timers and callbacks for 10,000 calls do not share the service's
// event loop (the service's latency to an agent counts against the 2 s connect delay). BENCH_DIAL_SIM=embedded: in
// the service's process, as before.
const OWN_SIMULATOR = process.env.BENCH_DIAL_SIM !== 'embedded';

// `npm run simulator` without its build step: ts-node (transpile only), on an ephemeral port.
async function startSimulatorProcess(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(root, 'src', 'simulator', 'main.ts')], {
    cwd: root,
    env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_TIME_SCALE: String(SCALE), SIMULATOR_LOG: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) return { url: match[1], child, stop: async () => (child.exitCode === null && child.kill('SIGTERM'), exited) };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`simulator did not start: ${out.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// +1 404 61<mode> xxxx: last digit 0-2 is a person (30 %), 3-9 nobody. Agents: +1 404 619 <mode><agent, 3 digits>.
const contactOf = (mode: number, i: number) => `+140461${mode}${String(i).padStart(4, '0')}`;
const agentOf = (mode: number, i: number) => `+1404619${mode}${String(i).padStart(3, '0')}`;

export async function run(): Promise<void> {
  const own = OWN_SIMULATOR ? await startSimulatorProcess() : undefined;
  const bench = await startBenchApp({
    APP_ROLE: 'all',
    SIMULATOR_TIME_SCALE: String(SCALE),
    ...(own ? { SINCH_VOICE_URL: own.url } : {}),
    SINCH_CALLOUTS_PER_SECOND: '200',
    CALLOUT_CONCURRENCY: '50',
    CAMPAIGN_CONFIG_REFRESH_MS: '500',
    CAMPAIGN_DIALER_INTERVAL_MS: '200',
    // The adaptive level every 15 simulated seconds, as VICIdial's.
    CAMPAIGN_DIAL_DECIDE_MS: String(Math.max(100, Math.round(15_000 / SCALE))),
    QUEUE_SWEEP_MS: '200',
    QUEUE_REFRESH_MS: '500',
    FREQUENCY_CAP_CALLS: '100',
  }).catch(async (err: unknown) => {
    await own?.stop();
    throw err;
  });
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  try {
    await bench.app.get(SinchWebhook).onListening(bench.url);
    const simulatorUrl = own?.url ?? bench.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url;
    const { key } = await bench.app.get(ApiKeysService).create('bench', 'admin', null);
    const api = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => {
      const res = await request(`${bench.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.body.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    await request(`${simulatorUrl}/_sim/rules`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [
          { regex: '^\\+1404619\\d{4}$', outcome: 'answered', ringTimeS: 1, talkTimeS: HANDLE_S },
          { regex: '^\\+140461[01]\\d{3}[0-2]$', outcome: 'answered', ringTimeS: RING_S, talkTimeS: 3600 },
          { regex: '^\\+140461[01]\\d{4}$', outcome: 'noanswer', ringTimeS: NO_ANSWER_S },
        ],
      }),
    });

    const ids: string[] = [];
    for (const [m, mode] of MODES.entries()) {
      const queue = await api('POST', '/api/v1/queues', { name: `bench ${mode}`, holdPrompt: 'Please hold', wrapUpS: 0 });
      for (let i = 0; i < AGENTS; i++) {
        const agent = await api('POST', '/api/v1/agents', {
          name: `${mode} ${i}`,
          endpointType: 'pstn',
          endpoint: agentOf(m, i),
          queues: [{ queueId: queue.id }],
        });
        await api('PUT', `/api/v1/agents/${agent.id}/status`, { status: 'available' });
      }
      const campaign = await api('POST', '/api/v1/campaigns', {
        name: `bench ${mode}`,
        callerIds: ['+14045001000'],
        message: { type: 'tts', text: 'Hello' },
        callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
        defaultTimeZone: 'America/New_York',
        pacing: { callsPerSecond: 50, maxConcurrent: 1000 },
        retryPolicy: { noAnswer: { delayS: 60, maxAttempts: 1 } },
        // The default connect delay, 2 real seconds: the service's own latency (entry, distribution, the agent's leg
        // through the callouts queue, its ACE) is real time and does not shrink with the simulator's clock.
        dialing: { mode, queueId: queue.id },
      });
      if (!campaign.id) throw new Error(`campaign: ${JSON.stringify(campaign)}`);
      for (let from = 0; from < CONTACTS; from += 5000) {
        const contacts = Array.from({ length: Math.min(5000, CONTACTS - from) }, (_, i) => ({ phone: contactOf(m, from + i) }));
        await api('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { contacts });
      }
      ids.push(campaign.id);
    }
    const started = Date.now();
    for (const id of ids) await api('POST', `/api/v1/campaigns/${id}/start`);
    // Every person needs an agent for HANDLE_S: the ideal run lasts people × HANDLE_S / AGENTS simulated seconds.
    const idealS = (CONTACTS * 0.3 * HANDLE_S) / AGENTS / SCALE;
    const deadline = started + (idealS * 4 + 120) * 1000;
    let lastReport = Date.now();
    for (;;) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM campaigns WHERE id = ANY($1::uuid[]) AND status = 'completed'`, [ids]);
      if (rows[0].n === ids.length || Date.now() > deadline) break;
      if (Date.now() - lastReport >= 30_000) {
        lastReport = Date.now();
        const { rows: done } = await db.query<{ campaign_id: string; n: number }>(
          `SELECT campaign_id, count(*)::int AS n FROM campaign_contacts WHERE campaign_id = ANY($1::uuid[]) AND status NOT IN ('pending', 'in_progress') GROUP BY 1`,
          [ids],
        );
        const progress = MODES.map((mode, m) => `${mode} ${done.find((r) => r.campaign_id === ids[m])?.n ?? 0}`).join(', ');
        process.stdout.write(`  … ${((Date.now() - started) / 1000).toFixed(0)} s: contacts done ${progress} of ${CONTACTS} each\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const elapsedS = (Date.now() - started) / 1000;
    process.stdout.write(
      `dialing: ${AGENTS} agents, ${CONTACTS} contacts, 30 % people, ${HANDLE_S} s handle, time scale ${SCALE} (ideal ${idealS.toFixed(0)} s real), ` +
        `simulator ${own ? 'in its own process' : 'embedded'}; both campaigns ran ${elapsedS.toFixed(0)} s\n`,
    );
    const figures: Record<string, { occupancy: number | null; abandon: number; abandoned: number; people: number }> = {};
    for (const [m, mode] of MODES.entries()) {
      const stats = await api('GET', `/api/v1/campaigns/${ids[m]}/stats`);
      const d = stats.dialing;
      const occupancy = d.agentOccupancy as number | null;
      const abandon = (d.abandonRatePercent as number | null) ?? 0;
      figures[mode] = { occupancy, abandon, abandoned: d.abandoned, people: d.answeredByPerson };
      const goal =
        mode === 'predictive'
          ? `goal occupancy ≥ 85 % and abandon ≤ 3 %: ${stats.status === 'completed' && occupancy !== null && occupancy >= 0.85 && abandon <= 3 ? 'met' : 'NOT met'}`
          : `goal 0 abandons: ${stats.status === 'completed' && d.abandoned === 0 ? 'met' : 'NOT met'}`;
      process.stdout.write(
        `  ${mode}: status ${stats.status}, people ${d.answeredByPerson}, connected ${d.connected}, abandoned ${d.abandoned} ` +
          `(${abandon} %), agent occupancy ${occupancy === null ? 'n/a' : (occupancy * 100).toFixed(1) + ' %'}, ` +
          `idle between calls ${d.averageIdleBetweenCallsS ?? 'n/a'} s real, connect delay ${d.averageConnectDelayMs ?? 'n/a'} ms real, ` +
          `last level ${d.decision?.level ?? 'n/a'} (${d.decision?.reason ?? ''}); ${goal}\n`,
      );
    }
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
    const [pro, pre] = [figures.progressive, figures.predictive];
    process.stdout.write(
      `  side by side: occupancy predictive ${pct(pre.occupancy)} vs progressive ${pct(pro.occupancy)} ` +
        `(ratio ${pre.occupancy !== null && pro.occupancy ? (pre.occupancy / pro.occupancy).toFixed(2) : 'n/a'}×); ` +
        `abandon rate predictive ${pre.abandon} % (${pre.abandoned} / ${pre.people}) vs progressive ${pro.abandon} % (${pro.abandoned} / ${pro.people})\n`,
    );
    for (const id of ids) await api('POST', `/api/v1/campaigns/${id}/cancel`);
  } finally {
    await db.end();
    await bench.close();
    await own?.stop();
  }
}
