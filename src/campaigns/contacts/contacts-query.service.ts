import { Injectable } from '@nestjs/common';
import type { Page } from 'src/common/pagination';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { ContactsRepository, type ContactRow } from './contacts.repository';
import type { ContactResponse } from 'src/campaigns/dto/contact.response';
import type { ListContactsQueryDto } from 'src/campaigns/dto/list-contacts.query';
import { CampaignsError } from 'src/campaigns/campaigns.errors';

@Injectable()
export class ContactsQueryService {
  constructor(
    private readonly repository: ContactsRepository,
    private readonly campaigns: CampaignsService,
  ) {}

  async list(campaignId: string, query: ListContactsQueryDto): Promise<Page<ContactResponse>> {
    await this.campaigns.findOrFail(campaignId);
    const limit = query.limit ?? 50;
    const phone = query.phone === undefined ? undefined : normalizePhoneNumber(query.phone)?.e164;
    if (query.phone !== undefined && !phone) {
      throw new CampaignsError('invalid_contact_query', 'phone must be a valid phone number', [
        { field: 'phone', rule: 'isDialableNumber', message: 'phone must be a valid phone number' },
      ]);
    }
    const rows = await this.repository.list(campaignId, { status: query.status, phone, after: decodePhoneCursor(query.cursor), limit });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(toContactResponse), nextCursor: rows.length > limit && last ? Buffer.from(last.phone).toString('base64url') : null };
  }
}

function decodePhoneCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const phone = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\+\d{2,15}$/.test(phone)) {
    throw new CampaignsError('invalid_contact_query', 'cursor is not a cursor returned by this API', [
      { field: 'cursor', rule: 'cursor', message: 'cursor is not a cursor returned by this API' },
    ]);
  }
  return phone;
}

export function toContactResponse(r: ContactRow): ContactResponse {
  return {
    id: r.id,
    phone: r.phone,
    country: r.country,
    timeZone: r.time_zone,
    timeZoneSource: r.time_zone_source,
    attributes: r.attributes,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    lastResult: r.last_result,
    lastCallId: r.last_call_id,
    lastAttemptAt: r.last_attempt_at ? r.last_attempt_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
