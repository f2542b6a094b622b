import { finalStateFor, sqlProgress } from 'src/calls/call-state';

// The transitions themselves run against Postgres in test/call-state.e2e-spec.ts.
describe('call state mapping', () => {
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
