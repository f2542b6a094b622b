import { Injectable } from '@nestjs/common';
import { AppError } from 'src/common/app-error';
import type { Page } from 'src/common/pagination';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { CallWithdrawal } from 'src/campaigns/dialer/call-withdrawal';
import type { AddDncDto, DncAuditQueryDto, DncAuditResponse, DncCheckResponse, DncEntryResponse, ListDncQueryDto } from './dnc.dto';
import { DncService, toDncResponse } from './dnc.service';

// The API's view of the lists: numbers normalised, campaigns checked, and an addition takes effect at once for
// calls already handed to the callouts queue but not dialled yet (they are withdrawn).
@Injectable()
export class DncAdmin {
  constructor(
    private readonly dnc: DncService,
    private readonly campaigns: CampaignsService,
    private readonly withdrawal: CallWithdrawal,
  ) {}

  async add(dto: AddDncDto, actor: string): Promise<DncEntryResponse> {
    const phone = e164(dto.phone, 'phone');
    if (dto.campaignId) await this.campaigns.findOrFail(dto.campaignId);
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt <= new Date()) {
      throw new AppError('invalid', 'expiresAt must be in the future', [{ field: 'expiresAt', rule: 'future', message: 'expiresAt must be in the future' }]);
    }
    const { entry } = await this.dnc.add({ phone, campaignId: dto.campaignId ?? null, source: 'api', reason: dto.reason ?? null, expiresAt, actor });
    await this.withdrawal.withdrawNumber(phone, dto.campaignId ?? null);
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

function e164(input: string, field: string): string {
  const normalized = normalizePhoneNumber(input);
  if (!normalized) throw new AppError('invalid', `${field} must be a valid phone number`, [{ field, rule: 'isDialableNumber', message: `${field} must be a valid phone number` }]);
  return normalized.e164;
}
