import { agentBudget, decide, isDue, MIN_DIALS_TO_PREDICT, type AbandonRates, type DialHistory } from './dial-level';
import { AGENTLESS, dialingProblems, mergeDialing, type Dialing } from './dial-mode';

const predictive: Dialing = { ...AGENTLESS, mode: 'predictive', queueId: 'q' };
const history = (over: Partial<DialHistory> = {}): DialHistory => ({ dials: 100, humans: 25, machines: 5, avgRingS: 10, avgHandleS: 100, ...over });
const rates = (abandoned: number, humans: number, abandoned30 = abandoned, humans30 = humans): AbandonRates => ({
  campaign: { abandoned, humans },
  last30Days: { abandoned: abandoned30, humans: humans30 },
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
  it('progressive is one call per free agent not already promised a call', () => {
    const d = decide({ ...predictive, mode: 'progressive' }, null, history(), rates(0, 0), now);
    expect(d.level).toBe(1);
    expect(agentBudget(d, { available: 5, busy: 10, wrapUp: 0 }, 2, history())).toBe(3);
    expect(agentBudget(d, { available: 1, busy: 0, wrapUp: 0 }, 4, history())).toBe(0);
  });

  it('dials progressively until it knows the answer rate', () => {
    const d = decide(predictive, null, history({ dials: MIN_DIALS_TO_PREDICT - 1 }), rates(0, 0), now);
    expect(d.level).toBe(1);
    expect(d.reason).toMatch(/learning/);
    // The cap is checked first: an abandon among the first calls already holds it to progressive.
    expect(decide(predictive, null, history({ dials: 3, humans: 1 }), rates(1, 1), now).reason).toMatch(/cap: progressive/);
  });

  it('speeds up under half the cap, towards 1 / answer rate', () => {
    let d = decide(predictive, null, history(), rates(0, 100), now);
    expect(d.aggressiveness).toBeCloseTo(0.15);
    expect(d.level).toBeCloseTo(1 + 3 * 0.15);
    for (let i = 0; i < 10; i++) d = decide(predictive, d, history(), rates(0, 100), now);
    expect(d.aggressiveness).toBe(1);
    expect(d.level).toBe(4); // 25 % of outcomes are people
    expect(d.inputs).toMatchObject({ humanRate: 0.25, machineRate: 0.05, avgRingS: 10, avgHandleS: 100, capPercent: 3 });
  });

  it('slows near the cap and falls back to progressive at it, the 30-day rate counting as much as the campaign', () => {
    const full = { ...decide(predictive, null, history(), rates(0, 100), now), aggressiveness: 1 };
    const near = decide(predictive, full, history(), rates(25, 1000), now);
    expect(near.aggressiveness).toBe(0.5);
    expect(near.reason).toMatch(/near/);
    const hold = decide(predictive, near, history(), rates(2, 100), now);
    expect(hold.aggressiveness).toBe(0.5);
    expect(decide(predictive, full, history(), rates(0, 100, 4, 100), now)).toMatchObject({ level: 1, aggressiveness: 0 });
    expect(decide(predictive, full, history(), rates(3, 100), now).reason).toMatch(/over the 3 % cap: progressive/);
  });

  it('dials ahead for free agents and for busy ones about to free up, less the calls in flight', () => {
    const d = { ...decide(predictive, null, history(), rates(0, 100), now), level: 2 };
    // (2 free + 10 busy × 10 s ring / 100 s handle) × 2 − 3 in flight = 3
    expect(agentBudget(d, { available: 2, busy: 10, wrapUp: 0 }, 3, history())).toBe(3);
    expect(agentBudget(d, { available: 0, busy: 0, wrapUp: 0 }, 0, history())).toBe(0);
  });

  it('is decided again every 15 s, or at once when the mode changed', () => {
    const d = decide(predictive, null, history(), rates(0, 100), now);
    expect(isDue(d, predictive, new Date(now.getTime() + 14_000), 15_000)).toBe(false);
    expect(isDue(d, predictive, new Date(now.getTime() + 15_000), 15_000)).toBe(true);
    expect(isDue(d, { ...predictive, mode: 'progressive' }, now, 15_000)).toBe(true);
  });
});
