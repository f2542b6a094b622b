import { Transform, type Readable } from 'node:stream';
import { PayloadTooLargeException } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse';
import { AppError } from 'src/common/app-error';
import type { IncomingRow } from './contact-rows';
import { CampaignsError } from 'src/campaigns/campaigns.errors';

const PHONE_COLUMNS = ['phone', 'phone_number', 'phonenumber', 'number', 'msisdn', 'mobile'];
const ZONE_COLUMNS = ['timezone', 'time_zone', 'tz'];
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface CsvLayout {
  phone: number;
  timeZone: number | undefined;
  attributes: { index: number; name: string }[];
  width: number;
}

// The header row decides the columns: one phone column (phone, number, msisdn...), an optional time zone column,
// and every other column is an attribute usable in the message as {{name}}.
export function csvLayout(header: string[]): CsvLayout {
  const lower = header.map((h) => h.trim().toLowerCase());
  const phone = lower.findIndex((h) => PHONE_COLUMNS.includes(h));
  if (phone < 0) throw csvError(1, 'header', `the header must have a phone column (one of: ${PHONE_COLUMNS.join(', ')})`);
  const zoneIndex = lower.findIndex((h) => ZONE_COLUMNS.includes(h));
  const attributes: CsvLayout['attributes'] = [];
  header.forEach((name, index) => {
    if (index === phone || index === zoneIndex) return;
    const trimmed = name.trim();
    if (!ATTRIBUTE_NAME.test(trimmed)) {
      throw csvError(
        1,
        'header',
        `column ${index + 1} "${trimmed.slice(0, 64)}" is not a usable attribute name (letters, digits and _, not starting with a digit)`,
      );
    }
    attributes.push({ index, name: trimmed });
  });
  const names = attributes.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw csvError(1, 'header', `column "${twice}" appears twice`);
  return { phone, timeZone: zoneIndex < 0 ? undefined : zoneIndex, attributes, width: header.length };
}

// A text/csv body as contacts, a parsed chunk's rows at a time and never the whole file in memory: the request
// stream is parsed as it arrives, and reading pauses while the importer writes a batch (back-pressure up to the
// client's socket). A malformed file (bad quoting, no phone column) throws a 400 naming the line; a line with the
// wrong number of fields is handed on as a row the importer rejects (with its line).
export async function* csvContacts(source: Readable, maxBytes: number): AsyncGenerator<IncomingRow[]> {
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new PayloadTooLargeException(`The CSV is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (CAMPAIGN_IMPORT_MAX_MB)`));
      else callback(null, chunk);
    },
  });
  // Lines are counted here rather than with the parser's `info` option, which doubles its cost: a record is one line
  // plus the line breaks inside its quoted fields, and an empty line comes through as one empty field and is skipped.
  const parser = parse({ bom: true, trim: true, relax_column_count: true, max_record_size: 64 * 1024 });
  source.on('error', (err) => limiter.destroy(err));
  limiter.on('error', (err) => parser.destroy(err));
  source.pipe(limiter).pipe(parser);

  let layout: CsvLayout | undefined;
  try {
    let line = 0;
    for await (const records of bufferedRecords(parser)) {
      const rows: IncomingRow[] = [];
      for (const record of records) {
        line += 1;
        for (const field of record) if (field.includes('\n')) line += field.split('\n').length - 1;
        if (record.length === 1 && record[0] === '') continue;
        if (!layout) {
          layout = csvLayout(record);
          continue;
        }
        if (record.length !== layout.width) {
          rows.push({ at: line, fieldCount: record.length, expected: layout.width });
          continue;
        }
        const attributes: Record<string, string> = {};
        for (const { index, name } of layout.attributes) if (record[index] !== '') attributes[name] = record[index];
        rows.push({ at: line, phone: record[layout.phone], timeZone: layout.timeZone === undefined ? undefined : record[layout.timeZone], attributes });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (err) {
    if (err instanceof CsvError) throw csvError((err as CsvError & { lines?: number }).lines, 'csv', err.message);
    throw err;
  } finally {
    source.unpipe(limiter);
    parser.destroy(); // when the importer stopped early (a failed write), the parser's buffered records go too
    source.resume(); // drain what is left so the connection can answer
  }
  if (!layout) throw csvError(1, 'header', 'the CSV is empty: it needs a header line with a phone column');
}

// The parser's records, as many as it holds at a time: a chunk of the body is a few thousand records, and awaiting
// each one (a stream's own async iterator) cost a promise per contact, more than parsing it.
async function* bufferedRecords(parser: Readable): AsyncGenerator<string[][]> {
  // An error while the importer writes a batch is read from parser.errored at the next wake, not left unhandled.
  parser.on('error', () => undefined);
  for (;;) {
    const records: string[][] = [];
    for (let record = parser.read() as string[] | null; record !== null; record = parser.read() as string[] | null) records.push(record);
    if (records.length > 0) {
      yield records;
      continue;
    }
    if (parser.errored) throw parser.errored;
    if (parser.readableEnded) return;
    if (parser.destroyed) throw new Error('The CSV parser was closed before the end of the body');
    await new Promise<void>((resolve) => {
      const wake = () => {
        for (const event of WAKE_EVENTS) parser.off(event, wake);
        resolve();
      };
      for (const event of WAKE_EVENTS) parser.on(event, wake);
    });
  }
}

const WAKE_EVENTS = ['readable', 'end', 'error', 'close'] as const;

function csvError(line: number | undefined, rule: string, message: string): AppError {
  const text = line === undefined ? `Invalid CSV: ${message}` : `Invalid CSV at line ${line}: ${message}`;
  return new CampaignsError('invalid_contacts', text, [{ field: line === undefined ? 'body' : `line ${line}`, rule, message }]);
}
