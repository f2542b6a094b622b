import { ApiKeysService } from 'src/auth/api-keys.service';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { SinchWebhook } from 'src/sinch/sinch.module';
import { startBenchApp } from './bench-kit';

const PARTICIPANTS = 100;
const COMMANDS_PER_SECOND = 10;
const SINGLE_ACTIONS = 200;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const percentile = (ms: number[], p: number): number => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * p) - 1];

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// A 100-participant room against the embedded simulator: mute-everyone's duration against what the command pace
// allows (ceil(n / perSecond) s), and the admin API's latency per single moderation action (p50 / p95).
export async function run(): Promise<void> {
  const bench = await startBenchApp({
    SIMULATOR_TIME_SCALE: '50',
    SINCH_CALLOUTS_PER_SECOND: '50',
    CONFERENCE_COMMANDS_PER_SECOND: String(COMMANDS_PER_SECOND),
  });
  try {
    await bench.app.get(SinchWebhook).onListening(bench.url);
    const sim = bench.app.get<SinchSimulator | null>(EMBEDDED_SIMULATOR)!;
    const key = (await bench.app.get(ApiKeysService).create('bench', 'admin', null)).key;
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Body; ms: number }> => {
      const started = performance.now();
      const res = await fetch(`${bench.url}/api/v1/conferences${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {}, ms: performance.now() - started };
    };
    const simJson = async (path: string, method = 'GET', body?: unknown) =>
      (
        await fetch(sim.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
      ).json() as Promise<Body>;
    await simJson('/_sim/rules', 'PUT', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 86_400 }] });

    const room = (await call('POST', '', { name: 'Bench', sinchConferenceId: 'bench-room', maxParticipants: 500 })).body;
    const destinations = Array.from({ length: PARTICIPANTS }, (_, i) => `+4670200${String(1000 + i)}`);
    const placedAt = performance.now();
    const dialled = await call('POST', `/${room.id}/participants`, { destinations });
    if (dialled.status !== 202) throw new Error(`dial-out answered ${dialled.status}: ${JSON.stringify(dialled.body)}`);
    await until(
      async () => ((await call('GET', `/${room.id}`)).body.participants as Body[]).filter((p) => p.state === 'joined').length === PARTICIPANTS,
      120_000,
    );
    const joinedS = (performance.now() - placedAt) / 1000;

    const muteAll = await call('POST', `/${room.id}/mute-all`);
    const ok = (muteAll.body.results as Body[]).filter((r) => r.ok).length;
    const inSim = ((await simJson('/_sim/conferences')).conferences as Body[]).find((c) => c.conferenceId === 'bench-room')!;
    const mutedInSim = (inSim.participants as Body[]).filter((p) => p.muted).length;
    const allowedS = (PARTICIPANTS - 1) / COMMANDS_PER_SECOND;

    const ids = (muteAll.body.results as Body[]).map((r) => r.participantId as string);
    const latencies: number[] = [];
    for (let i = 0; i < SINGLE_ACTIONS; i++) {
      const res = await call('POST', `/${room.id}/participants/${ids[i % ids.length]}/${i % 2 === 0 ? 'unmute' : 'mute'}`);
      if (res.status !== 200) throw new Error(`a single action answered ${res.status}`);
      latencies.push(res.ms);
    }
    const end = await call('POST', `/${room.id}/end`);

    process.stdout.write(
      [
        `${PARTICIPANTS} dialled out and joined in ${joinedS.toFixed(1)} s (callouts at 50/s)`,
        `mute-everyone: ${ok}/${PARTICIPANTS} ok, ${mutedInSim} muted in the simulator's room, ${(muteAll.ms / 1000).toFixed(2)} s; the pace (${COMMANDS_PER_SECOND}/s) allows no less than ${allowedS.toFixed(1)} s`,
        `single actions (mute / unmute, one after another, ${SINGLE_ACTIONS}): p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms`,
        `end (kick all ${end.body.results?.length}): ${end.ms.toFixed(0)} ms`,
      ].join('\n') + '\n',
    );
  } finally {
    await bench.close();
  }
}
