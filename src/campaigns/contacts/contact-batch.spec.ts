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
  it('holds rows as the tab-separated lines the upsert reads, a cell with a tab or a line break escaped in its JSON', () => {
    const batch = new ContactBatch();
    expect(batch.add(contact('+46701234567', { firstName: 'Åsa', note: 'two\nlines\tand a tab' }))).toBe(false);
    expect(batch.add({ ...contact('+80012345678', {}), country: null })).toBe(false);
    expect(batch.size).toBe(2);
    expect(batch.toText().split('\n')).toEqual([
      '+46701234567\tSE\tEurope/Stockholm\tcountry\t{"firstName":"Åsa","note":"two\\nlines\\tand a tab"}',
      '+80012345678\t\tEurope/Stockholm\tcountry\t{}',
    ]);
  });

  it('merges a repeated number: the later row wins, attributes are combined', () => {
    const batch = new ContactBatch();
    batch.add(contact('+46701234567', { firstName: 'Åsa', plan: 'gold' }));
    expect(batch.add(contact('+46701234567', { plan: 'silver' }, 'UTC'))).toBe(true);
    expect(batch.size).toBe(1);
    expect(batch.toText()).toBe('+46701234567\tSE\tUTC\tcountry\t{"firstName":"Åsa","plan":"silver"}');
  });
});
