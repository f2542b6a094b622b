import { csvCell, csvLine, csvStream } from './csv';

describe('csv', () => {
  it('escapes cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+46701234567')).toBe("'+46701234567");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
  });

  it('leaves plain text and numbers alone and quotes separators', () => {
    expect(csvCell('USD')).toBe('USD');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('1.25')).toBe('1.25');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('streams the header then each batch', async () => {
    async function* batches() {
      yield [csvLine(['x', 1])];
      yield [csvLine(['y', 2]), csvLine(['z', 3])];
    }
    let text = '';
    for await (const chunk of csvStream(['name', 'n'], batches())) text += String(chunk);
    expect(text).toBe('name,n\r\nx,1\r\ny,2\r\nz,3\r\n');
  });
});
