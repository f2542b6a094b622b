import { fitsNumeric18x6, storableText, storageProblems, withoutBilling } from 'src/callbacks/inbox/storable';
import type { LedgerEntry } from 'src/calls/ledger/call-ledger.service';

const base: LedgerEntry = { dedupeKey: 'k', kind: 'dice', receivedAt: new Date(), payload: {}, via: 'webhook', needsFollowUp: false };

describe('storable', () => {
  it('accepts what the columns take', () => {
    const final = {
      state: 'completed' as const,
      result: 'ANSWERED',
      reason: 'CALLEEHANGUP',
      durationS: 42,
      debit: { currency: 'EUR', amount: '999999999999.999999' },
    };
    expect(storageProblems({ ...base, payload: { a: ['x', { 'b😀': 'é😀' }] }, final })).toEqual([]);
  });

  it('names a NUL or an unpaired surrogate anywhere in the body, keys included', () => {
    const problems = storageProblems({ ...base, payload: { to: { endpoint: 'a\u0000b' }, list: ['ok', 'x\ud800'], ['k\udc00']: 1 } });
    expect(problems.map((p) => [p.field, p.billing])).toEqual([
      ['to.endpoint', false],
      ['list[1]', false],
      ['k\ufffd', false],
    ]);
    expect(problems[0].reason).toMatch(/NUL/);
    expect(problems[1].reason).toMatch(/surrogate/);
  });

  it('tells billing figures out of their column range apart, and withholds only those', () => {
    const final = {
      state: 'completed' as const,
      result: 'ANSWERED',
      reason: 'CALLEEHANGUP',
      durationS: 2 ** 31,
      debit: { currency: 'EUR', amount: '1000000000000' },
      rate: { currency: 'EUR', amount: '0.01' },
    };
    const problems = storageProblems({ ...base, final });
    expect(problems.map((p) => [p.field, p.billing])).toEqual([
      ['duration', true],
      ['debit.amount', true],
    ]);
    expect(withoutBilling({ ...base, final }, problems).final).toEqual({ ...final, durationS: undefined, debit: undefined });
  });

  it('rounds like Postgres before checking numeric(18,6)', () => {
    expect(fitsNumeric18x6('999999999999.9999994')).toBe(true);
    expect(fitsNumeric18x6('999999999999.9999995')).toBe(false);
    expect(fitsNumeric18x6('-999999999999.999999')).toBe(true);
    expect(fitsNumeric18x6('1e3')).toBe(false);
  });

  it('makes text storable', () => {
    expect(storableText('a\u0000b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
  });
});
