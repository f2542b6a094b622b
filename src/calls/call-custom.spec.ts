import { CallCustomError, decodeCallCustom, encodeCallCustom } from 'src/calls/call-custom';

const ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';

describe('call custom', () => {
  it('round-trips our call id', () => {
    expect(encodeCallCustom(ID)).toBe(`{"cc":"${ID}"}`);
    expect(decodeCallCustom(encodeCallCustom(ID))).toEqual({ callId: ID });
  });

  it('carries a small extra object', () => {
    const text = encodeCallCustom(ID, { campaign: 'spring', attempt: 2 });
    expect(decodeCallCustom(text)).toEqual({ callId: ID, extra: { campaign: 'spring', attempt: 2 } });
  });

  it('refuses what Sinch would refuse: over 1024 bytes, or not our id', () => {
    expect(() => encodeCallCustom(ID, { note: 'x'.repeat(1100) })).toThrow(CallCustomError);
    expect(() => encodeCallCustom('not-a-uuid')).toThrow(CallCustomError);
  });

  it.each([undefined, null, '', 'free text', '{"cc":"nope"}', '{"cc":', '[1]', '{"other":"x"}'])('ignores %p', (custom) => {
    expect(decodeCallCustom(custom)).toBeUndefined();
  });
});
