import { Client } from 'pg';
import { request } from 'undici';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import { SinchWebhook } from 'src/sinch/sinch.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { startBenchApp } from './bench-kit';

const RATES = (process.env.BENCH_PACING_RATES ?? '5,20').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_PACING_SECONDS ?? 30);
const TOLERANCE = 0.02;
// The global limit's scenario: a campaign asking for twice SINCH_CALLOUTS_PER_SECOND.
let nextExchange = 600; // each scenario calls numbers of its own
const GLOBAL_RATE = Number(process.env.BENCH_PACING_GLOBAL ?? 10);
const PEAK_GOAL = 1.1;

// Numbers the simulator answers (its default rules: not …7, …8, …9 or …66), +1 404 <exchange> xxxx.
function answeredNumbers(exchange: number, count: number): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count && n < 10_000; n += 1) {
    if (n % 10 < 7 && n % 100 !== 66) out.push(`+1404${exchange}${String(n).padStart(4, '0')}`);
  }
  return out;
}

// Least-squares slope of "callouts so far" against time: the sustained rate, insensitive to the per-tick bursts.
function slope(times: number[]): number {
  const n = times.length;
  const xs = times.map((t) => (t - times[0]) / 1000);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = (n - 1) / 2;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (i - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

// The most callouts in any one-second window (a sliding window starting at each arrival), and when that window
// starts (ms after the first arrival).
function busiestSecond(times: number[]): { most: number; at: number } {
  let most = 0;
  let at = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    if (i - j + 1 > most) {
      most = i - j + 1;
      at = times[j] - times[0];
    }
  }
  return { most, at };
}

// Pacing accuracy against the simulator: a campaign at R calls per second, with contacts for SECONDS seconds and a
// global callout limit well above R, through the real dialer, callouts queue and Sinch client; then two campaigns that
// together ask for 1.6 times a low global limit, which the callouts queue's limiter must hold. The rate is measured
// where Sinch sees it: the arrival times of POST /calling/v1/callouts at the simulator.
export async function run(): Promise<void> {
  for (const rate of RATES) await measure([rate], 100, `configured ${rate} calls/s`);
  const each = GLOBAL_RATE * 0.8;
  await measure([each, each], GLOBAL_RATE, `global limit ${GLOBAL_RATE} calls/s (two campaigns at ${each}/s)`);
}

async function measure(campaignRates: number[], globalRate: number, label: string): Promise<void> {
  const bench = await startBenchApp({
    APP_ROLE: 'all',
    SIMULATOR_TIME_SCALE: '50',
    SINCH_CALLOUTS_PER_SECOND: String(globalRate),
    CALLOUT_CONCURRENCY: '50',
    CAMPAIGN_CONFIG_REFRESH_MS: '500',
    FREQUENCY_CAP_CALLS: '100',
  });
  const rate = Math.min(
    campaignRates.reduce((a, b) => a + b, 0),
    globalRate,
  );
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  try {
    await bench.app.get(SinchWebhook).onListening(bench.url);
    const simulator = bench.app.get<SinchSimulator>(EMBEDDED_SIMULATOR);
    const { key } = await bench.app.get(ApiKeysService).create('bench', 'admin', null);
    const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await request(`${bench.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.body.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    const sinceSeq = ((await (await request(`${simulator.url}/_sim/events?kind=control`)).body.json()) as { lastSeq: number }).lastSeq;
    const campaigns: { id: string; contacts: number }[] = [];
    for (const campaignRate of campaignRates) {
      const contacts = Math.round(campaignRate * SECONDS);
      const campaign = await api('POST', '/api/v1/campaigns', {
        name: `pacing ${campaignRate}/s`,
        callerIds: ['+14045001000'],
        message: { type: 'tts', text: 'Hello' },
        callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
        defaultTimeZone: 'America/New_York',
        pacing: { callsPerSecond: campaignRate, maxConcurrent: 1000 },
      });
      const phones = answeredNumbers(nextExchange++, contacts);
      await api('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { contacts: phones.map((phone) => ({ phone })) });
      campaigns.push({ id: campaign.id as string, contacts });
    }
    for (const { id } of campaigns) await api('POST', `/api/v1/campaigns/${id}/start`);

    const ids = campaigns.map((c) => c.id);
    const total = campaigns.reduce((sum, c) => sum + c.contacts, 0);
    const deadline = Date.now() + (SECONDS * 3 + 30) * 1000;
    for (;;) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE campaign_id = ANY($1) AND sinch_call_id IS NOT NULL`, [ids]);
      if (rows[0].n >= total || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const events = (await (await request(`${simulator.url}/_sim/events?kind=rest&since=${sinceSeq}`)).body.json()) as {
      events: { method?: string; path?: string; status?: number; at: string }[];
    };
    const arrivals = events.events
      .filter((e) => e.method === 'POST' && e.path === '/calling/v1/callouts' && e.status === 200)
      .map((e) => Date.parse(e.at))
      .sort((a, b) => a - b);
    const spanS = (arrivals[arrivals.length - 1] - arrivals[0]) / 1000;
    const overall = (arrivals.length - 1) / spanS;
    const sustained = slope(arrivals);
    const reported = await Promise.all(ids.map(async (id) => (await api('GET', `/api/v1/campaigns/${id}/stats`)).callsPerSecond?.overall as number));
    const error = (sustained - rate) / rate;
    const busiest = busiestSecond(arrivals);
    const peak = busiest.most / rate;
    const gaps = arrivals.slice(1, 7).map((at, i) => at - arrivals[i]);
    process.stdout.write(
      `${label}: ${arrivals.length} callouts in ${spanS.toFixed(1)} s; sustained ${sustained.toFixed(2)}/s ` +
        `(${(error * 100).toFixed(1)} % of ${rate}/s), first-to-last ${overall.toFixed(2)}/s, stats endpoint ${reported.join(' + ')}/s; ` +
        `goal ±${TOLERANCE * 100} %: ${Math.abs(error) <= TOLERANCE ? 'met' : 'NOT met'}; ` +
        `busiest one-second window ${peak.toFixed(2)}× the rate, from ${busiest.at} ms (goal ≤ ${PEAK_GOAL}×: ${peak <= PEAK_GOAL ? 'met' : 'NOT met'}); ` +
        `first gaps ${gaps.join(', ')} ms\n`,
    );
    for (const id of ids) await api('POST', `/api/v1/campaigns/${id}/cancel`);
  } finally {
    await db.end();
    await bench.close();
  }
}
