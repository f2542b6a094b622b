import { ContactBatch } from 'src/campaigns/contacts/contact-batch';
import type { ValidContact } from 'src/campaigns/contacts/contact-rows';

const contact = (phone: string, attributes: ValidContact['attributes'], timeZone = 'Europe/Stockholm'): ValidContact => ({
  at: 2,
  phone,
  country: 'SE',
  timeZone,
  timeZoneSource: 'country',
  attributes,
});

describe('contact batch', () => {
  it('holds rows as the JSON the upsert reads', () => {
    const batch = new ContactBatch();
    expect(batch.add(contact('+46701234567', { firstName: 'Åsa' }))).toBe(false);
    expect(batch.size).toBe(1);
    expect(JSON.parse(batch.toJson())).toEqual([{ p: '+46701234567', c: 'SE', z: 'Europe/Stockholm', s: 'country', a: { firstName: 'Åsa' } }]);
  });

  it('merges a repeated number: the later row wins, attributes are combined', () => {
    const batch = new ContactBatch();
    batch.add(contact('+46701234567', { firstName: 'Åsa', plan: 'gold' }));
    expect(batch.add(contact('+46701234567', { plan: 'silver' }, 'UTC'))).toBe(true);
    expect(batch.size).toBe(1);
    expect(JSON.parse(batch.toJson())[0]).toMatchObject({ z: 'UTC', a: { firstName: 'Åsa', plan: 'silver' } });
  });
});
