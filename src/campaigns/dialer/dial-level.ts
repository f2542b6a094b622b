import type { Dialing } from './dial-mode';

// The predictive dialer's figures from the recent past of the campaign (its last RECENT_WINDOW_MIN minutes).
export interface DialHistory {
  dials: number; // calls that reached an outcome (answered, busy, no answer, failed, machine)
  humans: number; // answered by a person (entries handed to the queue); machines are not people
  machines: number;
  avgRingS: number | null; // from the callout to the answer, answered calls
  avgHandleS: number | null; // an agent's talk plus wrap-up per call
}

export interface AbandonRates {
  campaign: { abandoned: number; humans: number };
  last30Days: { abandoned: number; humans: number };
}

export interface AgentPicture {
  available: number;
  busy: number; // ringing or talking
  wrapUp: number;
}

// One decision, stored on the campaign (dial_decision), shown in its stats and sent on the event stream.
export interface DialDecision {
  mode: Dialing['mode'];
  // Calls kept out per free agent; 1 is progressive.
  level: number;
  // 0 (progressive) .. 1 (the full ratio the answer rate allows); moved by the abandon rate against the cap.
  aggressiveness: number;
  reason: string;
  at: string;
  inputs: {
    humanRate: number | null;
    machineRate: number | null;
    avgRingS: number | null;
    avgHandleS: number | null;
    abandonRatePercent: number;
    abandonRate30dPercent: number;
    capPercent: number;
    recentDials: number;
  };
}

export const RECENT_WINDOW_MIN = 15;
// Below this many recent outcomes the answer rate is not known: dial progressively until it is.
export const MIN_DIALS_TO_PREDICT = 20;
// The highest ratio of calls per free agent, whatever the answer rate says.
export const MAX_LEVEL = 5;
const STEP_UP = 0.15;

const pct = (n: number, of: number): number => (of > 0 ? (100 * n) / of : 0);
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

// The next decision. Progressive is always level 1. Predictive moves its aggressiveness by the abandon rate
// (the worse of the campaign's and the rolling 30 days'): at or over the cap, straight to progressive; within 80 %
// of it, halved; under half of it, a step up; between, held. The level is then 1 + (1 / humanRate − 1) × a.
export function decide(dialing: Dialing, previous: DialDecision | null, history: DialHistory, abandons: AbandonRates, now: Date): DialDecision {
  const humanRate = history.dials > 0 ? history.humans / history.dials : null;
  const inputs: DialDecision['inputs'] = {
    humanRate: humanRate === null ? null : round(humanRate),
    machineRate: history.dials > 0 ? round(history.machines / history.dials) : null,
    avgRingS: history.avgRingS === null ? null : round(history.avgRingS, 1),
    avgHandleS: history.avgHandleS === null ? null : round(history.avgHandleS, 1),
    abandonRatePercent: round(pct(abandons.campaign.abandoned, abandons.campaign.humans), 2),
    abandonRate30dPercent: round(pct(abandons.last30Days.abandoned, abandons.last30Days.humans), 2),
    capPercent: dialing.abandonCapPercent,
    recentDials: history.dials,
  };
  const base = { mode: dialing.mode, at: now.toISOString(), inputs };
  if (dialing.mode !== 'predictive') return { ...base, level: 1, aggressiveness: 0, reason: 'progressive: one call per free agent' };
  const cap = dialing.abandonCapPercent;
  const rate = Math.max(inputs.abandonRatePercent, inputs.abandonRate30dPercent);
  if (rate >= cap) return { ...base, level: 1, aggressiveness: 0, reason: `abandon rate ${rate} % at or over the ${cap} % cap: progressive` };
  if (humanRate === null || history.dials < MIN_DIALS_TO_PREDICT || humanRate === 0) {
    return { ...base, level: 1, aggressiveness: previous?.aggressiveness ?? 0, reason: `learning: ${history.dials} recent outcomes, dialling progressively` };
  }
  const was = previous?.aggressiveness ?? 0;
  let aggressiveness: number;
  let reason: string;
  if (rate >= 0.8 * cap) {
    aggressiveness = was / 2;
    reason = `abandon rate ${rate} % near the ${cap} % cap: slowing down`;
  } else if (rate < 0.5 * cap) {
    aggressiveness = Math.min(1, was + STEP_UP);
    reason = aggressiveness > was ? `abandon rate ${rate} % well under the ${cap} % cap: speeding up` : 'at the full ratio the answer rate allows';
  } else {
    aggressiveness = was;
    reason = `abandon rate ${rate} % under the ${cap} % cap: holding`;
  }
  const full = Math.min(MAX_LEVEL, 1 / humanRate);
  return { ...base, level: round(1 + (full - 1) * aggressiveness), aggressiveness: round(aggressiveness), reason };
}

// The level is decided again every `everyMs` (CAMPAIGN_DIAL_DECIDE_MS; VICIdial's adaptive dialer: 15 s); between,
// the last one holds.
export const isDue = (previous: DialDecision | null, dialing: Dialing, now: Date, everyMs: number): boolean =>
  !previous || previous.mode !== dialing.mode || now.getTime() - Date.parse(previous.at) >= everyMs;

// How many calls this tick may place. Progressive: free agents not yet promised to a call in flight. Predictive:
// free agents, plus the busy ones expected to be free within a ring time, times the level, less the calls in flight.
export function agentBudget(decision: DialDecision, agents: AgentPicture, inFlight: number, history: Pick<DialHistory, 'avgRingS' | 'avgHandleS'>): number {
  if (decision.mode === 'progressive' || decision.level <= 1) return Math.max(0, agents.available - inFlight);
  const freeingSoon =
    history.avgRingS !== null && history.avgHandleS !== null && history.avgHandleS > 0
      ? (agents.busy + agents.wrapUp) * Math.min(1, history.avgRingS / history.avgHandleS)
      : 0;
  return Math.max(0, Math.floor((agents.available + freeingSoon) * decision.level - inFlight));
}
