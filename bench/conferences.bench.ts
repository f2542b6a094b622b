import { ApiKeysService } from 'src/auth/api-keys.service';
import { AppConfig } from 'src/config/app-config';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { SinchWebhook } from 'src/sinch/sinch.module';
import { SHORT, startBenchApp } from './bench-kit';

const PARTICIPANTS = SHORT ? 30 : 100;
// Single actions timed per kind (one after another, each on another participant where it changes one).
const PER_ACTION = SHORT ? 10 : 30;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const percentile = (ms: number[], p: number): number => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * p) - 1];

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Every check of this bench: a wrong answer or state stops it with an error (npm run bench exits 1).
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`conferences bench: ${what}`);
}

// A room of PARTICIPANTS dialled out against the embedded simulator:
// - mute everyone but the moderators: every leg ok, muted in our view and in the simulator's room, and its duration
//   against what our command pace allows. Sinch documents no rate limit for the conference participant commands
//   (PATCH / DELETE /calling/v1/conferences/id/{id}/{callId}): its reference only lists 429 errors (capacity,
//   velocity) without figures. So "within the rate limit" means within OUR configured pace,
//   CONFERENCE_COMMANDS_PER_SECOND (default 10) with CONFERENCE_COMMAND_CONCURRENCY (5) in flight: n legs take no less
//   than (n − 1) / rate seconds, and the goal is to take no more than that plus one second.
// - the admin API's latency per moderation action (p50 / p95): live view, mute, unmute, hold, resume, lock, unlock,
//   dial-out of one destination, kick; each answer checked (the participant's new state), and at the end our view
//   and the simulator's room must agree on every participant's muted / on-hold state.
export async function run(): Promise<void> {
  const bench = await startBenchApp({ SIMULATOR_TIME_SCALE: '50', SINCH_CALLOUTS_PER_SECOND: '50' });
  try {
    await bench.app.get(SinchWebhook).onListening(bench.url);
    const pace = bench.app.get(AppConfig).conferences;
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
    const simParticipants = async (): Promise<Body[]> =>
      ((await simJson('/_sim/conferences')).conferences as Body[]).find((c) => c.conferenceId === 'bench-room')?.participants ?? [];
    await simJson('/_sim/rules', 'PUT', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 86_400 }] });

    const room = (await call('POST', '', { name: 'Bench', sinchConferenceId: 'bench-room', maxParticipants: 500 })).body;
    const view = async (): Promise<Body[]> => (await call('GET', `/${room.id}`)).body.participants as Body[];
    const joined = async (): Promise<Body[]> => (await view()).filter((p) => p.state === 'joined');
    const destinations = Array.from({ length: PARTICIPANTS }, (_, i) => `+4670200${String(1000 + i)}`);
    const placedAt = performance.now();
    const dialled = await call('POST', `/${room.id}/participants`, { destinations });
    check(dialled.status === 202, `dial-out answered ${dialled.status}: ${JSON.stringify(dialled.body)}`);
    await until(async () => (await joined()).length === PARTICIPANTS && (await simParticipants()).length === PARTICIPANTS, 180_000);
    const joinedS = (performance.now() - placedAt) / 1000;

    // Mute everyone but the moderators (all are participants here).
    const muteAll = await call('POST', `/${room.id}/mute-all`);
    check(muteAll.status === 200, `mute-all answered ${muteAll.status}: ${JSON.stringify(muteAll.body).slice(0, 300)}`);
    const results = muteAll.body.results as Body[];
    const failed = results.filter((r) => !r.ok || r.participant?.muted !== true);
    check(
      results.length === PARTICIPANTS && failed.length === 0,
      `mute-all: ${results.length} results, not ok or not muted: ${JSON.stringify(failed.slice(0, 3))}`,
    );
    const ourMuted = (await joined()).filter((p) => p.muted).length;
    const simMuted = (await simParticipants()).filter((p) => p.muted).length;
    check(ourMuted === PARTICIPANTS && simMuted === PARTICIPANTS, `after mute-all: ${ourMuted} muted in our view, ${simMuted} in the simulator's room`);
    const muteAllS = muteAll.ms / 1000;
    const floorS = (PARTICIPANTS - 1) / pace.commandsPerSecond;
    const withinPace = muteAllS >= floorS * 0.95 && muteAllS <= floorS + 1;

    const ids = results.map((r) => r.participantId as string);
    const latencies: Record<string, number[]> = {};
    const timed = async (action: string, method: string, path: string, body: unknown, expected: number, ok: (b: Body) => boolean) => {
      const res = await call(method, path, body);
      check(res.status === expected && ok(res.body), `${action} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      (latencies[action] ??= []).push(res.ms);
      return res.body;
    };
    const one = (i: number) => `/${room.id}/participants/${ids[i]}`;
    for (let i = 0; i < PER_ACTION; i++) {
      await timed('live view', 'GET', `/${room.id}`, undefined, 200, (b) => b.participants.length >= PARTICIPANTS);
      await timed('unmute', 'POST', `${one(i)}/unmute`, undefined, 200, (b) => b.muted === false && b.state === 'joined');
      await timed('mute', 'POST', `${one(i)}/mute`, undefined, 200, (b) => b.muted === true);
      await timed('hold', 'POST', `${one(i)}/hold`, { music: 'music2' }, 200, (b) => b.onHold === true);
      await timed('resume', 'POST', `${one(i)}/resume`, undefined, 200, (b) => b.onHold === false);
      await timed('lock', 'POST', `/${room.id}/lock`, undefined, 200, (b) => b.locked === true);
      await timed('unlock', 'POST', `/${room.id}/unlock`, undefined, 200, (b) => b.locked === false);
    }
    // Every leg muted, and the last PER_ACTION put on hold: our view and the simulator's room must say the same.
    const held = new Set(ids.slice(PARTICIPANTS - PER_ACTION));
    for (const id of held) await call('POST', `/${room.id}/participants/${id}/hold`, { music: 'music1' });
    const ours = new Map((await joined()).map((p) => [p.sinchCallId as string, p]));
    const theirs = await simParticipants();
    const disagree = theirs.filter((s) => {
      const p = ours.get(s.callId as string);
      return !p || p.muted !== true || s.muted !== true || p.onHold !== s.onhold || p.onHold !== held.has(p.id as string);
    });
    check(disagree.length === 0 && theirs.length === PARTICIPANTS, `our view and the simulator's room disagree on ${disagree.length} legs`);

    for (let i = 0; i < PER_ACTION; i++) {
      await timed(
        'dial-out (1 destination)',
        'POST',
        `/${room.id}/participants`,
        { destinations: [`+4670300${String(1000 + i)}`] },
        202,
        (b) => b.items?.[0]?.state === 'ringing',
      );
    }
    await until(async () => (await joined()).length === PARTICIPANTS + PER_ACTION, 120_000);
    for (let i = 0; i < PER_ACTION; i++) {
      await timed('kick', 'DELETE', one(i), undefined, 200, (b) => b.state === 'left' && b.leaveReason === 'kicked');
    }
    const left = PARTICIPANTS;
    await until(async () => (await simParticipants()).length === left, 30_000);

    const end = await call('POST', `/${room.id}/end`);
    const endOk = (end.body.results as Body[] | undefined)?.filter((r) => r.ok).length ?? 0;
    check(end.status === 200 && endOk === left, `end answered ${end.status}, ${endOk}/${left} ok`);
    await until(async () => (await simParticipants()).length === 0, 60_000);

    const rows = Object.entries(latencies).map(
      ([action, ms]) => `  ${action.padEnd(26)} n=${ms.length}  p50 ${percentile(ms, 0.5).toFixed(1)} ms  p95 ${percentile(ms, 0.95).toFixed(1)} ms`,
    );
    process.stdout.write(
      [
        `${PARTICIPANTS} dialled out and joined in ${joinedS.toFixed(1)} s (callouts at 50/s)`,
        `mute-everyone: ${results.length}/${PARTICIPANTS} ok, ${ourMuted} muted in our view, ${simMuted} in the simulator's room, ${muteAllS.toFixed(2)} s; ` +
          `our pace (CONFERENCE_COMMANDS_PER_SECOND=${pace.commandsPerSecond}, ${pace.commandConcurrency} in flight; Sinch documents no limit for these commands) ` +
          `allows no less than ${floorS.toFixed(1)} s: ${withinPace ? 'met' : 'NOT MET'} (goal: between 0.95 × and that + 1 s)`,
        `single actions, one after another (the answer checked each time):`,
        ...rows,
        `end (kick all ${left}): ${end.ms.toFixed(0)} ms; our view and the simulator's room agreed on all ${PARTICIPANTS} legs`,
      ].join('\n') + '\n',
    );
  } finally {
    await bench.close();
  }
}
