import { Readable } from 'node:stream';
import { AppError } from 'src/common/app-error';
import { csvContacts, csvLayout } from 'src/campaigns/contacts/csv-contacts';

async function collect(csv: string | string[], maxBytes = 1024 * 1024): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const rows of csvContacts(Readable.from(typeof csv === 'string' ? [csv] : csv), maxBytes)) out.push(...rows);
  return out;
}

describe('CSV contacts', () => {
  it('maps the header: a phone column, an optional zone column, attributes for the rest', () => {
    expect(csvLayout(['Name', 'MSISDN', 'tz', 'plan'])).toEqual({
      phone: 1,
      timeZone: 2,
      attributes: [
        { index: 0, name: 'Name' },
        { index: 3, name: 'plan' },
      ],
      width: 4,
    });
  });

  it('yields rows with their line numbers, skipping blank lines and a BOM', async () => {
    const rows = await collect('\uFEFFphone,firstName\n+14045005001,Ann\n\n+14045005002,\n');
    expect(rows).toEqual([
      { at: 2, phone: '+14045005001', timeZone: undefined, attributes: { firstName: 'Ann' } },
      { at: 4, phone: '+14045005002', timeZone: undefined, attributes: {} },
    ]);
  });

  it('counts a quoted field over several lines as one row', async () => {
    const rows = await collect('phone,note\n+14045005001,"two\nlines"\n+14045005002,x\n');
    expect(rows).toMatchObject([{ at: 3, attributes: { note: 'two\nlines' } }, { at: 4 }]);
  });

  it('reads records split across the chunks of the body, CRLF line ends included', async () => {
    const rows = await collect(['phone,note\r\n+1404500', '5001,"a ""quoted""\r\n', 'note"\r\n+14045005002,', 'x\r\n']);
    expect(rows).toEqual([
      { at: 3, phone: '+14045005001', timeZone: undefined, attributes: { note: 'a "quoted"\r\nnote' } },
      { at: 4, phone: '+14045005002', timeZone: undefined, attributes: { note: 'x' } },
    ]);
  });

  it('refuses a bad quote found after rows were already read, naming its line', async () => {
    const chunks = ['phone\n', ...Array.from({ length: 50 }, (_, i) => `+1404500${String(5000 + i)}\n`), '+14045005001x"\n'];
    await expect(collect(chunks)).rejects.toThrow(/Invalid CSV at line 52/);
  });

  it('hands on a row with the wrong number of fields for the importer to reject', async () => {
    expect(await collect('phone,a\n+14045005001\n')).toEqual([{ at: 2, fieldCount: 1, expected: 2 }]);
  });

  it.each([
    ['name\nAnn\n', /line 1: the header must have a phone column/],
    ['phone,phone_2,a,a\n', /column "a" appears twice/],
    ['phone\n"+1404\n', /Invalid CSV/],
    ['', /empty/],
  ])('refuses %p with a 400', async (csv, message) => {
    await expect(collect(csv)).rejects.toThrow(AppError);
    await expect(collect(csv)).rejects.toThrow(message);
  });

  it('stops a body over the size limit with a 413', async () => {
    await expect(collect(`phone\n${'+14045005001\n'.repeat(200)}`, 1000)).rejects.toMatchObject({ status: 413 });
  });
});
