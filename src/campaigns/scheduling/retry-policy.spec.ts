import type { CallingWindow } from 'src/campaigns/scheduling/calling-window';
import { classifyAttempt, decideNext, DEFAULT_RETRY_POLICY, type DecisionInput } from 'src/campaigns/scheduling/retry-policy';

const always: CallingWindow = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
const now = new Date('2025-03-10T10:00:00Z'); // a Monday

const input = (over: Partial<DecisionInput>): DecisionInput => ({
  outcome: 'busy',
  attempts: 1,
  policy: DEFAULT_RETRY_POLICY,
  now,
  window: always,
  zone: 'UTC',
  machineLeavesMessage: false,
  ...over,
});

describe('retry policy', () => {
  describe('classifying an attempt', () => {
    it.each([
      [{ callState: 'completed', machine: false, optedOut: false }, 'answered'],
      [{ callState: 'completed', machine: true, optedOut: false }, 'machine'],
      [{ callState: 'completed', machine: false, optedOut: true }, 'opted_out'],
      [{ callState: 'busy', machine: false, optedOut: false }, 'busy'],
      [{ callState: 'no_answer', machine: false, optedOut: false }, 'no_answer'],
      [{ callState: 'failed', machine: false, optedOut: false }, 'failed'],
      [{ callState: 'cancelled', machine: false, optedOut: false }, 'failed'],
      [{ callState: 'busy', machine: false, optedOut: true }, 'opted_out'],
      [{ callState: 'completed', machine: false, optedOut: false, abandoned: true }, 'abandoned'],
      [{ callState: 'completed', machine: false, optedOut: true, abandoned: true }, 'opted_out'],
    ] as const)('%j is %s', (facts, outcome) => {
      expect(classifyAttempt(facts)).toBe(outcome);
    });
  });

  it('makes answered and opted out final at once', () => {
    expect(decideNext(input({ outcome: 'answered' }))).toEqual({ kind: 'final', status: 'completed', outcome: 'answered' });
    expect(decideNext(input({ outcome: 'opted_out' }))).toEqual({ kind: 'final', status: 'dnc', outcome: 'opted_out' });
  });

  it('calls an abandoned callee again within the no-answer attempts, not before 72 hours, in the calling window', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, no_answer: { delayS: 600, maxAttempts: 2 } };
    expect(decideNext(input({ policy, outcome: 'abandoned' }))).toEqual({ kind: 'retry', at: new Date('2025-03-13T10:00:00Z'), outcome: 'abandoned' });
    // A longer no-answer delay wins; the window moves it to its next opening (Thursday 20:00 → Friday 09:00).
    const weekdays: CallingWindow = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    const later = { ...policy, no_answer: { delayS: 82 * 3600, maxAttempts: 2 } };
    expect(decideNext(input({ policy: later, outcome: 'abandoned', window: weekdays }))).toMatchObject({ kind: 'retry', at: new Date('2025-03-14T09:00:00Z') });
    // Attempts spent: completed (reached, and told who called).
    expect(decideNext(input({ policy, outcome: 'abandoned', attempts: 2 }))).toEqual({ kind: 'final', status: 'completed', outcome: 'abandoned' });
  });

  it("retries after the outcome's delay while attempts remain", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, busy: { delayS: 120, maxAttempts: 3 } };
    expect(decideNext(input({ policy, attempts: 1 }))).toEqual({ kind: 'retry', at: new Date('2025-03-10T10:02:00Z'), outcome: 'busy' });
    expect(decideNext(input({ policy, attempts: 2 })).kind).toBe('retry');
    expect(decideNext(input({ policy, attempts: 3 }))).toEqual({ kind: 'final', status: 'exhausted', outcome: 'busy' });
  });

  it('never retries an outcome whose maxAttempts is 1', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, no_answer: { delayS: 60, maxAttempts: 1 } };
    expect(decideNext(input({ policy, outcome: 'no_answer' }))).toEqual({ kind: 'final', status: 'exhausted', outcome: 'no_answer' });
  });

  it('counts every attempt, so mixed outcomes stop at the limit of the latest one', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, busy: { delayS: 60, maxAttempts: 5 }, no_answer: { delayS: 60, maxAttempts: 2 } };
    expect(decideNext(input({ policy, outcome: 'no_answer', attempts: 2 })).kind).toBe('final');
    expect(decideNext(input({ policy, outcome: 'busy', attempts: 2 })).kind).toBe('retry');
  });

  it('ends failures as failed and machines as completed when a message was left', () => {
    const once = { delayS: 0, maxAttempts: 1 };
    const policy = { busy: once, no_answer: once, failed: once, machine: once };
    expect(decideNext(input({ policy, outcome: 'failed' }))).toMatchObject({ kind: 'final', status: 'failed' });
    expect(decideNext(input({ policy, outcome: 'machine' }))).toMatchObject({ kind: 'final', status: 'exhausted' });
    expect(decideNext(input({ policy, outcome: 'machine', machineLeavesMessage: true }))).toMatchObject({ kind: 'final', status: 'completed' });
  });

  it('waits for the calling window when the delay lands outside it', () => {
    const office: CallingWindow = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    const policy = { ...DEFAULT_RETRY_POLICY, busy: { delayS: 8 * 3600, maxAttempts: 3 } };
    // Monday 10:00 UTC + 8 h = 18:00, after hours: Tuesday 09:00.
    expect(decideNext(input({ policy, window: office }))).toMatchObject({ kind: 'retry', at: new Date('2025-03-11T09:00:00Z') });
  });
});
