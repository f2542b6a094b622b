import type { Dialing } from './dial-mode';

// The predictive dialer's figures from the recent past of the campaign (its last RECENT_WINDOW_MIN minutes).
export interface DialHistory {
  dials: number; // calls that reached an outcome (answered, busy, no answer, failed, machine)
  humans: number; // answered by a person (entries handed to the queue); machines are not people
  machines: number;
  avgRingS: number | null; // from the dial to the person waiting for an agent (the callee entering the queue)
  avgHandleS: number | null; // an agent's talk plus wrap-up per call
}

export interface AbandonRates {
  campaign: { abandoned: number; humans: number };
  last30Days: { abandoned: number; humans: number };
  // The campaign's last RECENT_WINDOW_MIN minutes: what the last changes of the level did.
  recent: { abandoned: number; humans: number };
}

export interface AgentPicture {
  available: number;
  busy: number; // ringing or talking
  wrapUp: number;
  // Per busy agent, seconds since their call was offered; per wrap-up agent, seconds until their wrap-up ends (both
  // optional: without them busy and wrap-up agents are spread evenly over a handle time).
  busyForS?: number[];
  wrapUpLeftS?: number[];
  // The queue's wrap-up after each call, seconds (a busy agent is free after their talk and this).
  wrapUpS?: number;
}

// The campaign's calls that will want an agent: placed and not answered yet, and answered by a person and waiting
// for an agent (not yet offered to one).
export interface CallsInFlight {
  ringing: number;
  waiting: number;
}

// One decision, stored on the campaign (dial_decision), shown in its stats and sent on the event stream.
export interface DialDecision {
  mode: Dialing['mode'];
  // Calls placed per agent expected free (ratio / person rate, within 1 .. MAX_LEVEL); 1 is progressive.
  level: number;
  // The ratio aimed at: people expected to answer per agent expected free by then (0 .. MAX_RATIO). Moved by the
  // abandon rate against its target; 0 when progressive.
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
    abandonRateRecentPercent: number;
    // The campaign's abandoned callees so far (the next decision eases by those abandoned since). Absent from
    // decisions stored before it was added.
    abandoned?: number;
    // The abandon rate the ratio is steered to: TARGET_SHARE of the cap.
    targetPercent: number;
    capPercent: number;
    recentDials: number;
  };
}

export const RECENT_WINDOW_MIN = 15;
// Below this many recent outcomes the answer rate is not known: dial progressively until it is.
export const MIN_DIALS_TO_PREDICT = 20;
// The highest ratio of calls per agent expected free, whatever the answer rate says.
export const MAX_LEVEL = 8;
// The ratio of people to agents expected free moves between 0 and this; above 1 it counts on agents freeing within
// the connect delay and on the spread of answers (not every expected person answers at the same moment).
export const MAX_RATIO = 1;
// The abandon rate aimed at, as a share of the cap: the budget is used, with a margin for the lag of the feedback
// (an abandon shows a ring time plus a connect delay after the dial that caused it).
export const TARGET_SHARE = 0.6;
const STEP_UP = 0.05;
const STEP_DOWN = 0.1;

const pct = (n: number, of: number): number => (of > 0 ? (100 * n) / of : 0);

// Whether the recent window has enough people (`humans`) for its rate to steer: one more abandon alone would keep it
// at or under the target.
export const recentWindowCounts = (humans: number, targetPercent: number): boolean => pct(1, humans + 1) <= targetPercent;
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

// The campaign's abandons since the previous decision. One stored before `inputs.abandoned` existed (before the
// deploy that added it) counts none, rather than NaN.
export const abandonedSince = (previous: DialDecision | null, abandons: AbandonRates): number =>
  previous ? Math.max(0, abandons.campaign.abandoned - (previous.inputs.abandoned ?? abandons.campaign.abandoned)) : 0;

// The next decision. Progressive is always level 1. Predictive steers its ratio (people expected to answer per
// agent expected free) by the abandon rate, the worst of the campaign's, the rolling 30 days' and the recent one's
// (the recent one only once it has enough people, see recentWindowCounts): the campaign's or the 30 days' at or over
// the cap, straight to progressive (ratio 0); any of them at 80 % of the cap or more, ratio halved; abandons since
// the last decision, a step down each; one more abandon within the target (TARGET_SHARE of the cap), a step up (from
// at least the person rate: level 1); else held. The level is ratio / person rate, at least 1 (progressive).
export function decide(dialing: Dialing, previous: DialDecision | null, history: DialHistory, abandons: AbandonRates, now: Date): DialDecision {
  const humanRate = history.dials > 0 ? history.humans / history.dials : null;
  const cap = dialing.abandonCapPercent;
  const target = round(cap * TARGET_SHARE, 2);
  const inputs: DialDecision['inputs'] = {
    humanRate: humanRate === null ? null : round(humanRate),
    machineRate: history.dials > 0 ? round(history.machines / history.dials) : null,
    avgRingS: history.avgRingS === null ? null : round(history.avgRingS, 1),
    avgHandleS: history.avgHandleS === null ? null : round(history.avgHandleS, 1),
    abandonRatePercent: round(pct(abandons.campaign.abandoned, abandons.campaign.humans), 2),
    abandonRate30dPercent: round(pct(abandons.last30Days.abandoned, abandons.last30Days.humans), 2),
    abandonRateRecentPercent: round(pct(abandons.recent.abandoned, abandons.recent.humans), 2),
    abandoned: abandons.campaign.abandoned,
    targetPercent: target,
    capPercent: cap,
    recentDials: history.dials,
  };
  const base = { mode: dialing.mode, at: now.toISOString(), inputs };
  if (dialing.mode !== 'predictive') return { ...base, level: 1, aggressiveness: 0, reason: 'progressive: one call per free agent' };
  const legal = Math.max(inputs.abandonRatePercent, inputs.abandonRate30dPercent);
  if (legal >= cap) return { ...base, level: 1, aggressiveness: 0, reason: `abandon rate ${legal} % at or over the ${cap} % cap: progressive` };
  if (humanRate === null || history.dials < MIN_DIALS_TO_PREDICT || humanRate === 0) {
    return { ...base, level: 1, aggressiveness: previous?.aggressiveness ?? 0, reason: `learning: ${history.dials} recent outcomes, dialling progressively` };
  }
  // The recent window counts once it holds enough people that one abandon alone stays within the target (56 for
  // 1.8 %): a small team's 15 minutes (5 agents on 3-minute calls: ~25 people) would otherwise never let one more
  // abandon fit, and the ratio would never rise. Below that, its abandons still ease the ratio (`fresh`, below).
  const recentCounts = recentWindowCounts(abandons.recent.humans, target);
  const rate = recentCounts ? Math.max(legal, inputs.abandonRateRecentPercent) : legal;
  // The rate one more abandon would make: early in a campaign a single abandon weighs a lot. The legal windows
  // (campaign, 30 days) always; the recent one once it counts.
  const windows = recentCounts ? [abandons.campaign, abandons.last30Days, abandons.recent] : [abandons.campaign, abandons.last30Days];
  const oneMore = Math.max(...windows.map((r) => pct(r.abandoned + 1, r.humans + 1)));
  const was = previous?.aggressiveness ?? 0;
  // Abandons since the last decision: what the ratio in force does now (the campaign's rate moves slowly).
  const fresh = abandonedSince(previous, abandons);
  let ratio: number;
  let reason: string;
  if (rate >= 0.8 * cap) {
    ratio = was / 2;
    reason = `abandon rate ${rate} % near the ${cap} % cap: slowing down`;
  } else if (fresh > 0) {
    ratio = Math.max(0, was - STEP_DOWN * fresh);
    reason = `${fresh} abandoned since the last decision: easing`;
  } else if (oneMore <= target) {
    ratio = Math.min(MAX_RATIO, Math.max(was, humanRate) + STEP_UP);
    reason = ratio > was ? `abandon rate ${rate} % under the ${target} % target: speeding up` : `at the highest ratio (${MAX_RATIO})`;
  } else {
    ratio = was;
    reason = `abandon rate ${rate} %, one more abandon would be over the ${target} % target: holding`;
  }
  const level = Math.min(MAX_LEVEL, Math.max(1, ratio / humanRate));
  return { ...base, level: round(level), aggressiveness: round(ratio), reason };
}

// The level is decided again every `everyMs` (CAMPAIGN_DIAL_DECIDE_MS; VICIdial's adaptive dialer: 15 s); between,
// the last one holds.
export const isDue = (previous: DialDecision | null, dialing: Dialing, now: Date, everyMs: number): boolean =>
  !previous || previous.mode !== dialing.mode || now.getTime() - Date.parse(previous.at) >= everyMs;

// Agents expected free within `horizonS`: the available ones, each busy one whose expected remaining handle time
// (average handle time less the time since their call was offered) is within the horizon, each wrap-up one whose
// wrap-up ends within it. Without per-agent times, busy and wrap-up agents are taken as spread evenly over a handle
// time (horizon / handle time of them). A call over the average handle time counts as ending now.
export function agentsFreeWithin(agents: AgentPicture, horizonS: number, avgHandleS: number | null): number {
  if (avgHandleS === null || avgHandleS <= 0) return agents.available;
  let soon = 0;
  if (agents.busyForS) soon += agents.busyForS.filter((s) => avgHandleS + (agents.wrapUpS ?? 0) - s <= horizonS).length;
  else soon += agents.busy * Math.min(1, horizonS / avgHandleS);
  if (agents.wrapUpLeftS) soon += agents.wrapUpLeftS.filter((s) => s <= horizonS).length;
  else soon += agents.wrapUp;
  return agents.available + soon;
}

// How many calls this tick may place. Progressive (or predictive at level 1): free agents not yet promised to a call
// in flight. Predictive: enough calls that the people expected to answer (those waiting, the person rate of the calls
// ringing and of the new ones) make `ratio` people per agent expected free by the time the new calls answer (the
// average ring time); the level (ratio / person rate, at most MAX_LEVEL) bounds the calls per agent expected free.
// Never fewer than progressive would place.
export function agentBudget(decision: DialDecision, agents: AgentPicture, calls: CallsInFlight, history: Pick<DialHistory, 'avgRingS' | 'avgHandleS'>): number {
  const progressive = Math.max(0, agents.available - calls.ringing - calls.waiting);
  const humanRate = decision.inputs.humanRate;
  if (decision.mode !== 'predictive' || decision.level <= 1 || !humanRate || history.avgRingS === null) return progressive;
  const free = agentsFreeWithin(agents, history.avgRingS, history.avgHandleS);
  const people = decision.aggressiveness * free - calls.waiting - humanRate * calls.ringing;
  const byLevel = decision.level * free - calls.ringing - calls.waiting;
  return Math.max(progressive, Math.floor(Math.min(people / humanRate, byLevel)));
}
