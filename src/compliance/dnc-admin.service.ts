import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { Page } from 'src/common/pagination';
import { normalizePhoneNumber } from 'src/common/phone-number';
import type { AddDncDto } from 'src/compliance/dto/add-dnc.dto';
import type { DncAuditQueryDto } from 'src/compliance/dto/dnc-audit.query';
import type { DncAuditResponse } from 'src/compliance/dto/dnc-audit.response';
import type { DncCheckResponse } from 'src/compliance/dto/dnc-check.response';
import type { DncEntryResponse } from 'src/compliance/dto/dnc-entry.response';
import type { ListDncQueryDto } from 'src/compliance/dto/list-dnc.query';
import { DncService, toDncResponse } from './dnc.service';
import { ComplianceError } from 'src/compliance/compliance.errors';

// A number was put on a list (campaignId null: the global one). Features that hold calls for it take them back.
export type NumberBlockedListener = (phone: string, campaignId: string | null) => Promise<unknown>;

// The API's view of the lists: numbers normalised, campaigns checked, and an addition takes effect at once for
// calls already handed to the callouts jobs but not dialled yet: the listeners (the campaign dialer's withdrawal)
// take them back, and the callouts worker re-checks every call right before dialling.
@Injectable()
export class DncAdmin {
  private readonly blockedListeners: NumberBlockedListener[] = [];

  constructor(private readonly dnc: DncService) {}

  // Compliance sits below the features, so they register here instead of being called by name.
  onNumberBlocked(listener: NumberBlockedListener): void {
    this.blockedListeners.push(listener);
  }

  async add(dto: AddDncDto, actor: string): Promise<DncEntryResponse> {
    const phone = e164(dto.phone, 'phone');
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date()) {
      throw new ComplianceError('invalid_dnc_entry', 'expiresAt must be in the future', [
        { field: 'expiresAt', rule: 'future', message: 'expiresAt must be in the future' },
      ]);
    }
    const campaignId = dto.campaignId ?? null;
    const { entry } = await this.dnc.add({ phone, campaignId, source: 'api', reason: dto.reason ?? null, expiresAt, actor }).catch((error: unknown) => {
      // The foreign key is the existence check: compliance does not read the campaigns' tables.
      if (campaignId && isUnknownCampaign(error)) throw new ComplianceError('campaign_not_found', `Campaign ${campaignId} not found`);
      throw error;
    });
    for (const listener of this.blockedListeners) await listener(phone, campaignId);
    return toDncResponse(entry);
  }

  async remove(id: string, actor: string): Promise<DncEntryResponse> {
    return toDncResponse(await this.dnc.remove(id, actor));
  }

  list(query: ListDncQueryDto): Promise<Page<DncEntryResponse>> {
    return this.dnc.list({
      phone: query.phone ? e164(query.phone, 'phone') : undefined,
      campaignId: query.campaignId,
      scope: query.scope,
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
  }

  check(phone: string, campaignId?: string): Promise<DncCheckResponse> {
    return this.dnc.check(e164(phone, 'phone'), campaignId);
  }

  auditTrail(query: DncAuditQueryDto): Promise<Page<DncAuditResponse>> {
    return this.dnc.auditTrail(query.phone ? e164(query.phone, 'phone') : undefined, query.limit ?? 50, query.cursor);
  }
}

function isUnknownCampaign(error: unknown): boolean {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23503' && driverError.constraint === 'fk_dnc_entries_campaign';
}

function e164(input: string, field: string): string {
  const normalized = normalizePhoneNumber(input);
  if (!normalized)
    throw new ComplianceError('invalid_dnc_entry', `${field} must be a valid phone number`, [
      { field, rule: 'isDialableNumber', message: `${field} must be a valid phone number` },
    ]);
  return normalized.e164;
}
