import { finalStateFor, nextCall, sqlProgress, type CallSignal, type CallSnapshot } from 'src/calls/call-state';
import type { CallState } from 'src/calls/call.entity';

const at = (state: CallState, finalSource: CallSnapshot['finalSource'] = null): CallSnapshot => ({ state, finalSource });
const progress = (to: 'initiated' | 'ringing' | 'answered'): CallSignal => ({ kind: 'progress', to });
const dice = (state: 'completed' | 'busy' | 'no_answer' | 'failed' | 'cancelled'): CallSignal => ({ kind: 'final', state, source: 'dice' });

describe('call state machine', () => {
  it.each([
    ['queued', 'initiated', 'initiated'],
    ['queued', 'answered', 'answered'],
    ['initiated', 'ringing', 'ringing'],
    ['ringing', 'answered', 'answered'],
    ['answered', 'ringing', 'answered'],
    ['answered', 'initiated', 'answered'],
    ['ringing', 'ringing', 'ringing'],
  ] as const)('%s + progress to %s → %s', (from, to, expected) => {
    expect(nextCall(at(from), progress(to)).state).toBe(expected);
  });

  it.each(['completed', 'busy', 'no_answer', 'failed', 'cancelled'] as const)('a duplicate ACE never reopens %s', (state) => {
    expect(nextCall(at(state, 'dice'), progress('answered'))).toEqual(at(state, 'dice'));
    expect(nextCall(at(state, null), progress('answered')).state).toBe(state);
  });

  it('a DiCE before its ACE finalises, and the late ACE changes nothing', () => {
    const final = nextCall(at('initiated'), dice('completed'));
    expect(final).toEqual(at('completed', 'dice'));
    expect(nextCall(final, progress('answered'))).toEqual(final);
  });

  it('the first word from Sinch wins: a second DiCE or a late reconcile is ignored', () => {
    const final = nextCall(at('answered'), dice('completed'));
    expect(nextCall(final, dice('failed'))).toEqual(final);
    expect(nextCall(final, { kind: 'final', state: 'busy', source: 'reconciled' })).toEqual(final);
  });

  it('a DiCE replaces a failure we recorded ourselves (the call went through after all: keep its billing)', () => {
    const failed = nextCall(at('queued'), { kind: 'failed_locally' });
    expect(failed).toEqual(at('failed', null));
    expect(nextCall(failed, dice('completed'))).toEqual(at('completed', 'dice'));
  });

  it('a local failure never overrides a final state', () => {
    expect(nextCall(at('completed', 'dice'), { kind: 'failed_locally' })).toEqual(at('completed', 'dice'));
  });

  it.each([
    ['ANSWERED', 'CALLEEHANGUP', 'completed'],
    ['answered', 'MANAGERHANGUP', 'completed'],
    ['BUSY', 'N/A', 'busy'],
    ['NOANSWER', 'TIMEOUT', 'no_answer'],
    ['FAILED', 'GENERALERROR', 'failed'],
    ['N/A', 'CANCEL', 'cancelled'],
    ['N/A', 'MANAGERHANGUP', 'cancelled'],
    ['N/A', 'TIMEOUT', 'no_answer'],
    ['N/A', 'CALLBACKERROR', 'failed'],
    [undefined, undefined, 'failed'],
  ])('result %s, reason %s → %s', (result, reason, expected) => {
    expect(finalStateFor(result, reason)).toBe(expected);
  });

  it('renders the forward-only rule as SQL from the same ranks', () => {
    const sql = sqlProgress('c.state', "'answered'");
    expect(sql).toContain("WHEN c.state IN ('completed', 'busy', 'no_answer', 'failed', 'cancelled') THEN c.state");
    expect(sql).toContain("WHEN 'answered' THEN 3");
  });
});
