import { checkContact, isRejected } from 'src/campaigns/contacts/contact-rows';

const ctx = { campaignDefaultZone: 'America/Chicago' };

describe('contact rows', () => {
  it("normalises the number and places the contact in its country's zone", () => {
    expect(checkContact({ at: 2, phone: '+46 70-123 45 67', attributes: { firstName: 'Åsa' } }, ctx)).toEqual({
      at: 2,
      phone: '+46701234567',
      country: 'SE',
      timeZone: 'Europe/Stockholm',
      timeZoneSource: 'country',
      attributes: { firstName: 'Åsa' },
    });
  });

  it("uses the contact's zone, or the campaign default for multi-zone countries", () => {
    expect(checkContact({ at: 2, phone: '+12025550123', timeZone: 'America/Los_Angeles' }, ctx)).toMatchObject({
      timeZone: 'America/Los_Angeles',
      timeZoneSource: 'contact',
    });
    expect(checkContact({ at: 3, phone: '+12025550123' }, ctx)).toMatchObject({ timeZone: 'America/Chicago', timeZoneSource: 'campaign_default' });
    expect(checkContact({ at: 4, phone: '+12025550123', timeZone: '' }, ctx)).toMatchObject({ timeZoneSource: 'campaign_default' });
  });

  it('reads national numbers with a default country', () => {
    expect(checkContact({ at: 2, phone: '070-123 45 67' }, { ...ctx, defaultCountry: 'SE' })).toMatchObject({ phone: '+46701234567' });
  });

  it.each([
    [{ phone: '' }, 'phone', /missing/],
    [{ phone: 'not a number' }, 'phone', /not a valid phone number/],
    [{ phone: '+1 555 555 0123' }, 'phone', /not a valid phone number/],
    [{ phone: '+46701234567', timeZone: 'Mars/Base' }, 'timeZone', /not an IANA time zone/],
    [{ phone: '+46701234567', attributes: [1] }, 'attributes', /must be an object/],
    [{ phone: '+46701234567', attributes: { 'first name': 'x' } }, 'attributes', /letters, digits/],
    [{ phone: '+46701234567', attributes: { a: { nested: 1 } } }, 'attributes', /string, number/],
    [{ phone: '+46701234567', attributes: { a: 'x'.repeat(501) } }, 'attributes', /longer than 500/],
  ])('rejects %j on %s', (raw, field, reason) => {
    const row = checkContact({ at: 7, ...raw }, ctx);
    expect(isRejected(row)).toBe(true);
    expect(row).toMatchObject({ at: 7, field, reason: expect.stringMatching(reason) });
  });
});
