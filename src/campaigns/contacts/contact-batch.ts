import type { ValidContact } from './contact-rows';

// One batch of an import (5,000 rows at most), written as the text the upsert statement reads: a line per contact,
// its fields separated by tabs (phone, country or empty, zone, zone source, attributes as JSON). None of them can
// hold a tab or a line break (JSON escapes both), and Postgres splits this text at half the cost of parsing the same
// rows as one JSON document. A number repeated within the batch is merged here (later attributes win), because one
// statement cannot update the same row twice.
export class ContactBatch {
  private readonly rows = new Map<string, ValidContact>();

  get size(): number {
    return this.rows.size;
  }

  // true when the number was already in the batch (the rows were merged).
  add(contact: ValidContact): boolean {
    const earlier = this.rows.get(contact.phone);
    this.rows.set(contact.phone, earlier ? { ...contact, attributes: { ...earlier.attributes, ...contact.attributes } } : contact);
    return earlier !== undefined;
  }

  toText(): string {
    const lines: string[] = [];
    for (const c of this.rows.values()) lines.push(`${c.phone}\t${c.country ?? ''}\t${c.timeZone}\t${c.timeZoneSource}\t${JSON.stringify(c.attributes)}`);
    return lines.join('\n');
  }
}
