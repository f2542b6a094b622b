import {
  abandonedSince,
  agentBudget,
  agentsFreeWithin,
  decide,
  isDue,
  MAX_RATIO,
  MIN_DIALS_TO_PREDICT,
  recentWindowCounts,
  type AbandonRates,
  type DialHistory,
} from './dial-level';
import { AGENTLESS, dialingProblems, mergeDialing, type Dialing } from './dial-mode';

const predictive: Dialing = { ...AGENTLESS, mode: 'predictive', queueId: 'q' };
const history = (over: Partial<DialHistory> = {}): DialHistory => ({ dials: 100, humans: 25, machines: 5, avgRingS: 10, avgHandleS: 100, ...over });
const rates = (
  abandoned: number,
  humans: number,
  abandoned30 = abandoned,
  humans30 = humans,
  abandonedRecent = abandoned,
  humansRecent = humans,
): AbandonRates => ({
  campaign: { abandoned, humans },
  last30Days: { abandoned: abandoned30, humans: humans30 },
  recent: { abandoned: abandonedRecent, humans: humansRecent },
});
const now = new Date('2026-01-01T00:00:00Z');

describe('dial settings', () => {
  it('needs a queue for the agent modes, a reason above the legal cap, a positive connect delay', () => {
    const fields = (d: Partial<Dialing>) => dialingProblems({ ...AGENTLESS, ...d }).map((p) => `${p.field}:${p.rule}`);
    expect(fields({})).toEqual([]);
    expect(fields({ mode: 'predictive' })).toEqual(['dialing.queueId:required']);
    expect(fields({ mode: 'progressive', queueId: 'q', abandonCapPercent: 5 })).toEqual(['dialing.capOverrideReason:legal_cap']);
    expect(fields({ abandonCapPercent: 5, capOverrideReason: 'regulator waiver 2026-17' })).toEqual([]);
    expect(fields({ connectDelayS: 0 })).toEqual(['dialing.connectDelayS:range']);
    expect(fields({ abandonCapPercent: 0 })).toEqual(['dialing.abandonCapPercent:range']);
  });

  it('a partial update keeps what it does not name; null clears', () => {
    const d = mergeDialing(predictive, { connectDelayS: 1.5, abandonMessage: 'x' });
    expect(d).toEqual({ ...predictive, connectDelayS: 1.5, abandonMessage: 'x' });
    expect(mergeDialing(d, { abandonMessage: null }).abandonMessage).toBeNull();
  });
});

describe('dial level', () => {
  const calls = (ringing: number, waiting = 0) => ({ ringing, waiting });

  it('progressive is one call per free agent not already promised a call', () => {
    const d = decide({ ...predictive, mode: 'progressive' }, null, history(), rates(0, 0), now);
    expect(d.level).toBe(1);
    expect(agentBudget(d, { available: 5, busy: 10, wrapUp: 0 }, calls(1, 1), history())).toBe(3);
    expect(agentBudget(d, { available: 1, busy: 0, wrapUp: 0 }, calls(4), history())).toBe(0);
    // Busy agents about to free up do not count: progressive only dials for an agent free now.
    expect(agentBudget(d, { available: 0, busy: 3, wrapUp: 0, busyForS: [99, 99, 99] }, calls(0), history())).toBe(0);
  });

  it('dials progressively until it knows the answer rate', () => {
    const d = decide(predictive, null, history({ dials: MIN_DIALS_TO_PREDICT - 1 }), rates(0, 0), now);
    expect(d.level).toBe(1);
    expect(d.reason).toMatch(/learning/);
    // The cap is checked first: an abandon among the first calls already holds it to progressive.
    expect(decide(predictive, null, history({ dials: 3, humans: 1 }), rates(1, 1), now).reason).toMatch(/cap: progressive/);
  });

  it('speeds up while one more abandon would stay under the target, from level 1 up to one person per agent expected free', () => {
    // 0 abandons in 100 people: one more would be 0.99 %, under the 1.8 % target (60 % of the 3 % cap).
    let d = decide(predictive, null, history(), rates(0, 100), now);
    expect(d.inputs).toMatchObject({ targetPercent: 1.8, humanRate: 0.25 });
    expect(d.aggressiveness).toBeCloseTo(0.25 + 0.05); // from the person rate (level 1) a step up
    expect(d.level).toBeCloseTo(0.3 / 0.25);
    expect(d.reason).toMatch(/speeding up/);
    for (let i = 0; i < 30; i++) d = decide(predictive, d, history(), rates(0, 100), now);
    expect(d.aggressiveness).toBe(MAX_RATIO);
    expect(d.level).toBe(4); // one person expected per agent expected free: 1 / 25 %
    expect(d.reason).toMatch(/highest ratio/);
    // Early in a campaign one abandon weighs a lot: with 20 people, one more would be 4.8 %: it holds.
    const early = decide(predictive, { ...d, aggressiveness: 0.5 }, history(), rates(0, 20), now);
    expect(early).toMatchObject({ aggressiveness: 0.5, level: 2 });
    expect(early.reason).toMatch(/holding/);
  });

  it('a small team speeds up on the legal windows: the recent window steers once one abandon alone fits the target', () => {
    // 5 agents on 3-minute calls: ~25 people per 15 minutes. One more abandon there would be 1 / 26 = 3.8 %, over the
    // 1.8 % target for ever; the campaign's 200 people with 1 abandon leave room (2 / 201 = 1 %): it speeds up.
    const small = history({ dials: 100, humans: 25 });
    let d = decide(predictive, null, small, rates(1, 200, 1, 200, 0, 25), now);
    expect(d.reason).toMatch(/speeding up/);
    for (let i = 0; i < 30; i++) d = decide(predictive, d, small, rates(1, 200, 1, 200, 0, 25), now);
    expect(d).toMatchObject({ aggressiveness: MAX_RATIO, level: 4 });
    // An abandon in that small window is not a rate to halve on (1 / 25 = 4 %): it eases one step.
    const eased = decide(predictive, d, small, rates(2, 201, 2, 201, 1, 25), now);
    expect(eased.aggressiveness).toBeCloseTo(0.9);
    expect(eased.reason).toMatch(/1 abandoned since the last decision: easing/);
    // The legal windows still hold it early in the campaign (25 people: one more would be 3.8 %).
    expect(decide(predictive, { ...d, aggressiveness: 0.5 }, small, rates(0, 25, 0, 25, 0, 25), now).reason).toMatch(/holding/);
    // A recent window of 56 people or more steers: 1 abandon in 100 (2 / 101 = 1.98 % with one more) holds, as
    // before; 3 in 100 halves.
    expect(decide(predictive, { ...d, aggressiveness: 0.5 }, history(), rates(1, 1000, 1, 1000, 1, 100), now).reason).toMatch(/holding/);
    expect(
      decide(predictive, { ...d, aggressiveness: 0.5, inputs: { ...d.inputs, abandoned: 3 } }, history(), rates(3, 1000, 3, 1000, 3, 100), now),
    ).toMatchObject({
      aggressiveness: 0.25,
    });
    expect(recentWindowCounts(55, 1.8)).toBe(true);
    expect(recentWindowCounts(54, 1.8)).toBe(false);
  });

  it('a decision stored before inputs.abandoned existed counts no abandon since (no NaN)', () => {
    const old = { ...decide(predictive, null, history(), rates(0, 100), now), aggressiveness: 0.5 };
    delete (old.inputs as { abandoned?: number }).abandoned;
    expect(abandonedSince(old, rates(1, 1000))).toBe(0);
    expect(abandonedSince({ ...old, inputs: { ...old.inputs, abandoned: 1 } }, rates(3, 1000))).toBe(2);
    expect(abandonedSince(null, rates(3, 1000))).toBe(0);
    const d = decide(predictive, old, history(), rates(1, 1000), now);
    expect(d.inputs.abandoned).toBe(1);
    expect(d.aggressiveness).toBeCloseTo(0.55);
    expect(d.level).toBeCloseTo(2.2);
    expect(d.reason).toMatch(/speeding up/);
  });

  it('eases by a step per abandon since the last decision, halves near the cap, falls back to progressive at it', () => {
    const full = { ...decide(predictive, null, history(), rates(0, 100), now), aggressiveness: 1 };
    full.inputs.abandoned = 1;
    const eased = decide(predictive, full, history(), rates(3, 1000), now);
    expect(eased.aggressiveness).toBeCloseTo(0.8);
    expect(eased.reason).toMatch(/2 abandoned since the last decision: easing/);
    const near = decide(predictive, full, history(), rates(25, 1000), now);
    expect(near.aggressiveness).toBe(0.5);
    expect(near.reason).toMatch(/near/);
    // The recent window counts too (what the last changes of the level did).
    expect(decide(predictive, { ...full, inputs: { ...full.inputs, abandoned: 30 } }, history(), rates(30, 2000, 30, 2000, 30, 1000), now).reason).toMatch(
      /near/,
    );
    expect(decide(predictive, full, history(), rates(0, 100, 4, 100), now)).toMatchObject({ level: 1, aggressiveness: 0 });
    expect(decide(predictive, full, history(), rates(3, 100), now).reason).toMatch(/over the 3 % cap: progressive/);
    // Below the person rate the level is 1: progressive.
    expect(decide(predictive, { ...full, aggressiveness: 0.2 }, history(), rates(2, 100), now)).toMatchObject({ level: 1 });
  });

  it('counts the agents expected free within the ring time: available, calls past their handle time less the ring time, wrap-ups ending', () => {
    // Handle 100 s, ring 10 s: busy for 95 s (5 s left) and 91 s count, 50 s does not; wrap-up ending in 3 s counts.
    expect(agentsFreeWithin({ available: 2, busy: 3, wrapUp: 2, busyForS: [95, 91, 50], wrapUpLeftS: [3, 30] }, 10, 100)).toBe(5);
    // With the queue's 20 s wrap-up after each call: 100 + 20 − 115 = 5 s left counts, 100 + 20 − 95 = 25 s does not.
    expect(agentsFreeWithin({ available: 0, busy: 2, wrapUp: 0, busyForS: [115, 95], wrapUpLeftS: [], wrapUpS: 20 }, 10, 100)).toBe(1);
    // Without per-agent times: busy agents spread evenly over the handle time.
    expect(agentsFreeWithin({ available: 1, busy: 10, wrapUp: 0 }, 10, 100)).toBe(2);
    // No handle time known yet: only the available ones.
    expect(agentsFreeWithin({ available: 1, busy: 10, wrapUp: 0 }, 10, null)).toBe(1);
  });

  it('dials for the people expected per agent expected free, less those waiting and the people expected from calls ringing', () => {
    const d = { ...decide(predictive, null, history(), rates(0, 100), now), aggressiveness: 1, level: 4 };
    // 2 free + 1 busy ending within the 10 s ring = 3 expected free; 1 person waiting, 4 calls ringing (1 person
    // expected): 1 more person wanted, 4 calls at 25 %.
    const agents = { available: 2, busy: 5, wrapUp: 0, busyForS: [95, 10, 20, 30, 40] };
    expect(agentBudget(d, agents, calls(4, 1), history())).toBe(4);
    // At ratio 0.5: 1.5 people for 3 agents, 2 expected already: none (but never fewer than progressive: 2 − 5 < 0).
    expect(agentBudget({ ...d, aggressiveness: 0.5, level: 2 }, agents, calls(4, 1), history())).toBe(0);
    // Nothing in flight and all 3 free: 3 / 25 % = 12 calls, bounded by the level (4 × 3).
    expect(agentBudget(d, { available: 3, busy: 0, wrapUp: 0 }, calls(0), history())).toBe(12);
    expect(agentBudget({ ...d, level: 2 }, { available: 3, busy: 0, wrapUp: 0 }, calls(0), history())).toBe(6);
    expect(agentBudget(d, { available: 0, busy: 0, wrapUp: 0 }, calls(0), history())).toBe(0);
  });

  it('is decided again every 15 s, or at once when the mode changed', () => {
    const d = decide(predictive, null, history(), rates(0, 100), now);
    expect(isDue(d, predictive, new Date(now.getTime() + 14_000), 15_000)).toBe(false);
    expect(isDue(d, predictive, new Date(now.getTime() + 15_000), 15_000)).toBe(true);
    expect(isDue(d, { ...predictive, mode: 'progressive' }, now, 15_000)).toBe(true);
  });
});
