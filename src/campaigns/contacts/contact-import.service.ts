import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { CountryCode } from 'src/common/phone-number';
import { AppConfig } from 'src/config/app-config';
import { IMPORTABLE_STATUSES } from 'src/campaigns/campaign-lifecycle';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { ContactBatch } from './contact-batch';
import { checkContact, isRejected, type IncomingRow, type RawContact, type RejectedContact } from './contact-rows';
import { ContactsRepository } from './contacts.repository';
import type { ImportContactsDto } from 'src/campaigns/dto/import-contacts.dto';
import type { ImportErrorResponse, ImportResultResponse } from 'src/campaigns/dto/import-result.response';
import { csvContacts } from './csv-contacts';
import { CampaignsError } from 'src/campaigns/campaigns.errors';

const BATCH = 5000;
export const MAX_REPORTED_ERRORS = 1000;

export interface ImportOptions {
  strict: boolean;
  defaultCountry?: CountryCode;
}

// Imports contacts in batches of 5000 (one upsert statement each) inside one transaction: a malformed file or,
// in strict mode, any rejected row leaves the campaign as it was. Each number appears once per campaign: repeats
// are merged. Every rejected row is reported with its line (CSV) or index (JSON) and why; the first 1000 are listed.
@Injectable()
export class ContactImportService {
  private readonly logger = new Logger('ContactImport');

  constructor(
    private readonly repository: ContactsRepository,
    private readonly campaigns: CampaignsService,
    private readonly config: AppConfig,
  ) {}

  importCsv(campaignId: string, body: Readable, options: ImportOptions): Promise<ImportResultResponse> {
    return this.run(campaignId, csvContacts(body, this.config.campaigns.importMaxBytes), options, 'line');
  }

  importJson(campaignId: string, dto: ImportContactsDto, options: ImportOptions): Promise<ImportResultResponse> {
    const rows = dto.contacts.map((c, index): RawContact => ({ at: index, phone: c.phone, timeZone: c.timeZone, attributes: c.attributes }));
    return this.run(campaignId, [rows], options, 'index');
  }

  private async run(
    campaignId: string,
    source: Iterable<IncomingRow[]> | AsyncIterable<IncomingRow[]>, // rows a chunk at a time
    options: ImportOptions,
    locator: 'line' | 'index',
  ): Promise<ImportResultResponse> {
    const started = Date.now();
    const campaign = await this.campaigns.findOrFail(campaignId);
    if (!IMPORTABLE_STATUSES.includes(campaign.status)) {
      throw new CampaignsError('import_not_allowed', `Cannot import contacts into a campaign that is ${campaign.status}`);
    }
    const result: ImportResultResponse = { rows: 0, inserted: 0, merged: 0, dnc: 0, rejected: 0, errors: [], errorsTruncated: false };
    const reject = (row: RejectedContact) => {
      result.rejected += 1;
      if (result.errors.length >= MAX_REPORTED_ERRORS) {
        result.errorsTruncated = true;
        return;
      }
      const error: ImportErrorResponse = { [locator]: row.at, field: row.field, reason: row.reason };
      if (row.phone) error.phone = row.phone;
      result.errors.push(error);
    };
    const ctx = { campaignDefaultZone: campaign.defaultTimeZone, defaultCountry: options.defaultCountry };

    await this.repository.transaction(async (m) => {
      let batch = new ContactBatch();
      // Double buffering: the next batch is parsed and checked while Postgres writes this one.
      let writing: Promise<void> = Promise.resolve();
      const flush = async () => {
        if (batch.size === 0) return;
        const text = batch.toText();
        batch = new ContactBatch();
        await writing;
        writing = this.repository.upsertBatch(m, campaignId, text).then((outcome) => {
          result.inserted += outcome.inserted;
          result.merged += outcome.merged;
          result.dnc += outcome.dnc;
        });
        writing.catch(() => undefined); // awaited (and thrown) by the next flush or at the end
      };
      for await (const chunk of source) {
        for (const incoming of chunk) {
          result.rows += 1;
          if ('fieldCount' in incoming) {
            reject({ at: incoming.at, field: 'row', reason: `the row has ${incoming.fieldCount} fields, the header has ${incoming.expected}` });
            continue;
          }
          const row = checkContact(incoming, ctx);
          if (isRejected(row)) {
            reject(row);
            continue;
          }
          // A repeat within the batch is merged there, as the upsert merges repeats across batches.
          if (batch.add(row)) result.merged += 1;
          if (batch.size >= BATCH) await flush();
        }
      }
      await flush();
      await writing;
      if (options.strict && result.rejected > 0) {
        const details = result.errors.slice(0, 100).map((e) => ({
          field: e.line !== undefined ? `line ${e.line}` : `contacts[${e.index}]`,
          rule: e.field,
          message: e.reason,
        }));
        throw new CampaignsError('invalid_contacts', `${result.rejected} of ${result.rows} rows were rejected; nothing was imported (strict)`, details);
      }
    });
    this.logger.log({ campaignId, ...result, errors: result.errors.length, ms: Date.now() - started }, 'Contacts imported');
    return result;
  }
}
