import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ContactStatus } from 'src/campaigns/campaign-contact.entity';
import { dncBlocksSql } from 'src/compliance/compliance.module';

export interface BatchOutcome {
  inserted: number;
  merged: number;
  dnc: number;
}

export interface ContactRow {
  id: string;
  phone: string;
  country: string | null;
  time_zone: string;
  time_zone_source: string;
  attributes: Record<string, unknown>;
  status: ContactStatus;
  attempts: number;
  next_attempt_at: Date;
  last_result: string | null;
  last_call_id: string | null;
  last_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

// One statement per batch: insert new contacts, merge into existing ones (attributes merged, an explicit zone
// never replaced by a derived one, status untouched unless a pending contact is now on a do-not-call list), and
// mark contacts on a list as `dnc` from the start.
const UPSERT_SQL = `
WITH v AS (
  SELECT split_part(r, E'\\t', 1) AS p, NULLIF(split_part(r, E'\\t', 2), '') AS c, split_part(r, E'\\t', 3) AS z,
         split_part(r, E'\\t', 4) AS s, split_part(r, E'\\t', 5)::jsonb AS a
  FROM string_to_table($2::text, E'\\n') AS r
),
up AS (
  INSERT INTO campaign_contacts AS cc (campaign_id, phone, country, time_zone, time_zone_source, attributes, status, last_result)
  SELECT $1, v.p, v.c, v.z, v.s, v.a, CASE WHEN b.blocked THEN 'dnc' ELSE 'pending' END, CASE WHEN b.blocked THEN 'dnc_at_import' END
  FROM v CROSS JOIN LATERAL (SELECT ${dncBlocksSql('v.p', '$1')} AS blocked) b
  ON CONFLICT (campaign_id, phone) DO UPDATE SET
    attributes = cc.attributes || EXCLUDED.attributes,
    time_zone = CASE WHEN EXCLUDED.time_zone_source = 'contact' OR cc.time_zone_source <> 'contact' THEN EXCLUDED.time_zone ELSE cc.time_zone END,
    time_zone_source = CASE WHEN EXCLUDED.time_zone_source = 'contact' OR cc.time_zone_source <> 'contact' THEN EXCLUDED.time_zone_source ELSE cc.time_zone_source END,
    status = CASE WHEN cc.status = 'pending' AND EXCLUDED.status = 'dnc' THEN 'dnc' ELSE cc.status END,
    last_result = CASE WHEN cc.status = 'pending' AND EXCLUDED.status = 'dnc' THEN 'dnc_at_import' ELSE cc.last_result END,
    updated_at = now()
  RETURNING (xmax = 0) AS inserted, status
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS merged,
       count(*) FILTER (WHERE status = 'dnc')::int AS dnc
FROM up`;

@Injectable()
export class ContactsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // `rows`: ContactBatch.toText(), each phone at most once (Postgres cannot update one row twice in a statement).
  async upsertBatch(m: EntityManager, campaignId: string, rows: string): Promise<BatchOutcome> {
    const result: BatchOutcome[] = await m.query(UPSERT_SQL, [campaignId, rows]);
    return result[0];
  }

  // Keyset pagination by phone number (the unique index's order): stable and O(limit) at any depth.
  async list(campaignId: string, filter: { status?: ContactStatus; phone?: string; after?: string; limit: number }): Promise<ContactRow[]> {
    const params: unknown[] = [campaignId];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = ['campaign_id = $1'];
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    if (filter.phone) where.push(`phone = ${param(filter.phone)}`);
    if (filter.after) where.push(`phone > ${param(filter.after)}`);
    return this.dataSource.query(`SELECT * FROM campaign_contacts WHERE ${where.join(' AND ')} ORDER BY phone LIMIT ${param(filter.limit + 1)}`, params);
  }
}
