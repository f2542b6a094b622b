import { callerCountry, dedupeKey, entryKeys, toLedgerEntry } from 'src/callbacks/inbox/callback-entry';
import { parseCallbackEvent } from 'src/sinch/callback-events';

const ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';
const dice = {
  event: 'dice',
  callid: 'sinch-1',
  timestamp: '2026-01-02T10:00:00',
  result: 'ANSWERED',
  reason: 'CALLEEHANGUP',
  duration: 61,
  debit: { currencyId: 'USD', amount: 0.027 },
  userRate: { currencyId: 'USD', amount: 0.0135 },
  custom: `{"cc":"${ID}"}`,
};

describe('callback entries', () => {
  it('the same event twice, in any key order, has one dedupe key; another event has another', () => {
    const a = parseCallbackEvent(dice);
    const reversed = Object.fromEntries(Object.entries(dice).reverse());
    const b = parseCallbackEvent(JSON.parse(JSON.stringify(reversed)));
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(dice));
    expect(dedupeKey(a)).toBe(dedupeKey(b));
    expect(dedupeKey(a)).toMatch(/^dice:sinch-1:[A-Za-z0-9_-]{32}$/);
    expect(dedupeKey(parseCallbackEvent({ ...dice, duration: 62 }))).not.toBe(dedupeKey(a));
  });

  it('a DiCE carries its final state and exact money, and our call id from custom', () => {
    const entry = toLedgerEntry(parseCallbackEvent(dice), new Date(), 'webhook', false);
    expect(entry).toMatchObject({
      kind: 'dice',
      sinchCallId: 'sinch-1',
      ourCallId: ID,
      final: {
        state: 'completed',
        result: 'ANSWERED',
        reason: 'CALLEEHANGUP',
        durationS: 61,
        debit: { currency: 'USD', amount: '0.027' },
        rate: { currency: 'USD', amount: '0.0135' },
      },
    });
    expect(entryKeys(entry)).toEqual([`k:${entry.dedupeKey}`, 's:sinch-1', `c:${ID}`]);
  });

  it('an ICE carries the inbound row: numbers, caller country, domain', () => {
    const ice = parseCallbackEvent({ event: 'ice', callid: 'in-1', cli: '+46701234567', to: { type: 'did', endpoint: '+15550100001' }, domain: 'pstn' });
    expect(toLedgerEntry(ice, new Date(), 'webhook', false).inbound).toEqual({
      from: '+46701234567',
      to: '+15550100001',
      country: 'SE',
      domain: 'pstn',
      custom: undefined,
    });
  });

  it("caches the caller's country per number, including numbers that have none", () => {
    expect(callerCountry('+447400123456')).toBe('GB');
    expect(callerCountry('+447400123456')).toBe('GB');
    expect(callerCountry('private')).toBeUndefined();
    expect(callerCountry('private')).toBeUndefined();
    expect(callerCountry('+14155550123')).toBe('US');
  });
});
