import { Readable } from 'node:stream';

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such text gets a leading
// apostrophe, which spreadsheets show as text. Numbers we write are not text and stay as they are.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

// A CSV body from a header and batches of lines: pulled by the HTTP response as it drains (backpressure), so memory
// holds about one batch however long the export.
export function csvStream(header: readonly string[], batches: AsyncIterable<string[]>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(header);
    for await (const batch of batches) yield batch.join('');
  }
  return Readable.from(lines(), { objectMode: false });
}
