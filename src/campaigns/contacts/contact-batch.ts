import type { ValidContact } from './contact-rows';

interface BatchRow {
  p: string;
  c: string | null;
  z: string;
  s: string;
  a: Record<string, unknown>;
}

// One batch of an import, kept as the JSON the upsert statement reads: a short string per row rather than an
// object graph, so rows waiting for their batch are cheap to hold and a million of them pass through the heap
// without building it up. A number repeated within the batch is merged here (later attributes win), because one
// statement cannot update the same row twice.
export class ContactBatch {
  private readonly rows = new Map<string, string>();

  get size(): number {
    return this.rows.size;
  }

  // true when the number was already in the batch (the rows were merged).
  add(contact: ValidContact): boolean {
    const earlier = this.rows.get(contact.phone);
    const row: BatchRow = { p: contact.phone, c: contact.country, z: contact.timeZone, s: contact.timeZoneSource, a: contact.attributes };
    if (earlier) row.a = { ...(JSON.parse(earlier) as BatchRow).a, ...contact.attributes };
    this.rows.set(contact.phone, JSON.stringify(row));
    return earlier !== undefined;
  }

  toJson(): string {
    return `[${[...this.rows.values()].join(',')}]`;
  }
}
