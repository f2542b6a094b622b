import { decodeCallCustom, encodeCallCustom } from 'src/calls/call-custom';
import { readTag, tagExtra, type CampaignCallTag } from 'src/campaigns/dialer/campaign-call-tag';

const tag: CampaignCallTag = {
  campaignId: '11111111-1111-4111-8111-111111111111',
  contactId: '22222222-2222-4222-8222-222222222222',
  attempt: 2,
  cli: '+14045001000',
  vars: { firstName: 'Åsa', amount: '120' },
};
const CALL_ID = '33333333-3333-4333-8333-333333333333';

describe('campaign call tag', () => {
  it('round-trips through Sinch custom', () => {
    const custom = encodeCallCustom(CALL_ID, tagExtra(tag));
    expect(readTag(decodeCallCustom(custom)?.extra)).toEqual(tag);
  });

  it("is not read from another feature's custom", () => {
    expect(readTag({ orderId: 'A-1' })).toBeUndefined();
    expect(readTag(undefined)).toBeUndefined();
  });

  it("shortens long attributes until Sinch's 1024 bytes fit, never failing the call", () => {
    const long = { ...tag, vars: { firstName: 'Ann', note: 'ö'.repeat(900), other: 'x'.repeat(400) } };
    const custom = encodeCallCustom(CALL_ID, tagExtra(long));
    expect(Buffer.byteLength(custom, 'utf8')).toBeLessThanOrEqual(1024);
    const back = readTag(decodeCallCustom(custom)?.extra);
    expect(back?.vars.firstName).toBe('Ann');
    expect(back?.vars.note.length).toBeLessThan(900);
  });

  it('drops attributes when there are too many to fit at all', () => {
    const many = { ...tag, vars: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`attribute${i}`, 'v'])) };
    expect(() => encodeCallCustom(CALL_ID, tagExtra(many))).not.toThrow();
  });
});
