import { OutcomeRules, defaultOutcome, parseRules } from 'src/simulator/outcome-rules';

const timings = { ringTimeS: 3, talkTimeS: 30, noAnswerTimeoutS: 30 };

describe('outcome rules', () => {
  it('keys the default on the last digits', () => {
    expect(defaultOutcome('+46700000066')).toBe('machine');
    expect(defaultOutcome('+46700000007')).toBe('busy');
    expect(defaultOutcome('+46700000067')).toBe('busy');
    expect(defaultOutcome('+46700000008')).toBe('noanswer');
    expect(defaultOutcome('+46700000009')).toBe('failed');
    expect(defaultOutcome('+46700000006')).toBe('answered');
    expect(defaultOutcome('+46700000001')).toBe('answered');
  });

  it('applies the first matching glob or regex rule, with its timings', () => {
    const rules = new OutcomeRules(timings);
    rules.set(
      parseRules({
        rules: [
          { match: '+4670*5', outcome: 'failed', ringTimeS: 1 },
          { regex: '^\\+1', outcome: 'busy' },
          { match: '*', outcome: 'answered', talkTimeS: 61 },
        ],
      }),
    );
    expect(rules.resolve('+46700000005')).toEqual({ outcome: 'failed', ringTimeS: 1, talkTimeS: 30, rule: 'match:+4670*5' });
    expect(rules.resolve('+14045005001')).toMatchObject({ outcome: 'busy', ringTimeS: 3 });
    expect(rules.resolve('+33100000007')).toMatchObject({ outcome: 'answered', talkTimeS: 61 });
  });

  it('rings until the no-answer timeout, or the dial timeout when one is given', () => {
    const rules = new OutcomeRules(timings);
    expect(rules.resolve('+46700000008')).toMatchObject({ outcome: 'noanswer', ringTimeS: 30 });
    expect(rules.resolve('+46700000008', 12)).toMatchObject({ outcome: 'noanswer', ringTimeS: 12 });
  });

  it('rejects bad rules naming the field', () => {
    expect(() => parseRules({ rules: [{ match: '*', outcome: 'answered', talkTimeS: -1 }] })).toThrow(/rules\[0\]\.talkTimeS/);
    expect(() => parseRules({ rules: [{ match: '*', regex: '.*', outcome: 'busy' }] })).toThrow(/exactly one/);
    expect(() => parseRules({})).toThrow(/rules/);
  });
});
