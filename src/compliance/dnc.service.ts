import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from 'src/common/pagination';
import { returnedRows } from 'src/common/sql-rows';
import { DncAudit, type DncAuditAction } from './dnc-audit.entity';
import { DncEntry, type DncSource } from './dnc-entry.entity';
import type { DncAuditResponse } from 'src/compliance/dto/dnc-audit.response';
import type { DncCheckResponse } from 'src/compliance/dto/dnc-check.response';
import type { DncEntryResponse } from 'src/compliance/dto/dnc-entry.response';
import { ComplianceError } from 'src/compliance/compliance.errors';

export interface DncAddition {
  // E.164, already normalised.
  phone: string;
  // null: the global list.
  campaignId: string | null;
  source: DncSource;
  reason?: string | null;
  expiresAt?: Date | null;
  actor: string;
}

export interface DncListFilter {
  phone?: string;
  campaignId?: string;
  scope?: 'global' | 'campaign';
  limit: number;
  cursor?: string;
}

// The do-not-call lists and their audit trail. Every change (add, update, remove) writes an audit row in the same
// transaction, so the history cannot miss a change that happened.
@Injectable()
export class DncService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Idempotent: adding a number already on the same list updates its reason / expiry when they differ and
  // changes nothing (no audit row) when they do not, so a replayed opt-out is harmless.
  async add(input: DncAddition, manager?: EntityManager): Promise<{ entry: DncEntry; action: DncAuditAction | 'unchanged' }> {
    const run = (m: EntityManager) => this.addWith(m, input);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  private async addWith(m: EntityManager, input: DncAddition): Promise<{ entry: DncEntry; action: DncAuditAction | 'unchanged' }> {
    const conflict = input.campaignId === null ? '("phone") WHERE "campaign_id" IS NULL' : '("campaign_id", "phone") WHERE "campaign_id" IS NOT NULL';
    const inserted: DncRow[] = await m.query(
      `INSERT INTO dnc_entries (phone, campaign_id, source, reason, added_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ${conflict} DO NOTHING RETURNING *`,
      [input.phone, input.campaignId, input.source, input.reason ?? null, input.actor, input.expiresAt ?? null],
    );
    if (inserted[0]) {
      await this.audit(m, 'added', input);
      return { entry: toEntity(inserted[0]), action: 'added' };
    }
    const existing: DncRow[] = await m.query('SELECT * FROM dnc_entries WHERE phone = $1 AND campaign_id IS NOT DISTINCT FROM $2 FOR UPDATE', [
      input.phone,
      input.campaignId,
    ]);
    const row = existing[0];
    if (!row) throw new ComplianceError('dnc_entry_changed', 'The entry was removed meanwhile; retry'); // deleted between the two statements
    const reason = input.reason ?? row.reason;
    const expiresAt = input.expiresAt ?? null;
    if (reason === row.reason && sameInstant(expiresAt, row.expires_at)) return { entry: toEntity(row), action: 'unchanged' };
    const updated = returnedRows<DncRow>(
      await m.query('UPDATE dnc_entries SET reason = $2, expires_at = $3 WHERE id = $1 RETURNING *', [row.id, reason, expiresAt]),
    );
    await this.audit(m, 'updated', { ...input, reason, expiresAt });
    return { entry: toEntity(updated[0]), action: 'updated' };
  }

  async remove(id: string, actor: string): Promise<DncEntry> {
    return this.dataSource.transaction(async (m) => {
      const rows = returnedRows<DncRow>(await m.query('DELETE FROM dnc_entries WHERE id = $1 RETURNING *', [id]));
      const row = rows[0];
      if (!row) throw new ComplianceError('dnc_entry_not_found', `Do-not-call entry ${id} not found`);
      const entry = toEntity(row);
      await this.audit(m, 'removed', { ...entry, actor, reason: entry.reason });
      return entry;
    });
  }

  async list(filter: DncListFilter): Promise<Page<DncEntryResponse>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.phone) where.push(`phone = ${param(filter.phone)}`);
    if (filter.campaignId) where.push(`campaign_id = ${param(filter.campaignId)}`);
    if (filter.scope === 'global') where.push('campaign_id IS NULL');
    if (filter.scope === 'campaign') where.push('campaign_id IS NOT NULL');
    const after = decodeCursor(filter.cursor);
    if (after) where.push(`(created_at, id) < (${param(after.createdAt)}, ${param(after.id)})`);
    const rows: DncRow[] = await this.dataSource.query(
      `SELECT * FROM dnc_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const entries = rows.map(toEntity);
    const page = entries.slice(0, filter.limit);
    const last = page[page.length - 1];
    return { items: page.map((e) => toDncResponse(e)), nextCursor: entries.length > filter.limit && last ? encodeCursor(last) : null };
  }

  async check(phone: string, campaignId?: string): Promise<DncCheckResponse> {
    const rows: DncRow[] = await this.dataSource.query(
      'SELECT * FROM dnc_entries WHERE phone = $1 AND (campaign_id IS NULL OR campaign_id = $2) ORDER BY created_at',
      [phone, campaignId ?? null],
    );
    const entries = rows.map((r) => toDncResponse(toEntity(r)));
    return { phone, blocked: entries.some((e) => e.active), entries };
  }

  async auditTrail(phone: string | undefined, limit: number, cursor?: string): Promise<Page<DncAuditResponse>> {
    const after = decodeCursor(cursor);
    const qb = this.dataSource
      .getRepository(DncAudit)
      .createQueryBuilder('a')
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(limit + 1);
    if (phone) qb.andWhere('a.phone = :phone', { phone });
    if (after) qb.andWhere('(a.at, a.id) < (:createdAt, :id)', after);
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toAuditResponse),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null,
    };
  }

  private async audit(m: EntityManager, action: DncAuditAction, input: DncAddition): Promise<void> {
    await m.query('INSERT INTO dnc_audit (action, phone, campaign_id, source, reason, actor, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      action,
      input.phone,
      input.campaignId,
      input.source,
      input.reason ?? null,
      input.actor,
      input.expiresAt ?? null,
    ]);
  }
}

interface DncRow {
  id: string;
  phone: string;
  campaign_id: string | null;
  source: DncSource;
  reason: string | null;
  added_by: string;
  created_at: Date;
  expires_at: Date | null;
}

function toEntity(r: DncRow): DncEntry {
  return Object.assign(new DncEntry(), {
    id: r.id,
    phone: r.phone,
    campaignId: r.campaign_id,
    source: r.source,
    reason: r.reason,
    addedBy: r.added_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  });
}

const sameInstant = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

export function toDncResponse(e: DncEntry, now = new Date()): DncEntryResponse {
  return {
    id: e.id,
    phone: e.phone,
    campaignId: e.campaignId,
    source: e.source,
    reason: e.reason,
    addedBy: e.addedBy,
    createdAt: e.createdAt.toISOString(),
    expiresAt: e.expiresAt ? e.expiresAt.toISOString() : null,
    active: e.expiresAt === null || e.expiresAt > now,
  };
}

function toAuditResponse(a: DncAudit): DncAuditResponse {
  return {
    id: a.id,
    action: a.action,
    phone: a.phone,
    campaignId: a.campaignId,
    source: a.source,
    reason: a.reason,
    actor: a.actor,
    expiresAt: a.expiresAt ? a.expiresAt.toISOString() : null,
    at: a.at.toISOString(),
  };
}
