import { Body, Get, Headers, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiPayloadTooLargeResponse, getSchemaPath } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import type { CountryCode } from 'src/common/phone-number';
import { uuidParam } from 'src/common/validation';
import { AcceptsCsvBody } from './csv-body-parser';
import { validateBody } from './validate-body';
import { ContactImportService } from './contact-import.service';
import { ContactsQueryService } from './contacts-query.service';
import { ImportContactsDto } from 'src/campaigns/dto/import-contacts.dto';
import { ImportQueryDto } from 'src/campaigns/dto/import-contacts.query';
import { ImportResultResponse } from 'src/campaigns/dto/import-result.response';
import { ListContactsQueryDto } from 'src/campaigns/dto/list-contacts.query';
import { CampaignsError } from 'src/campaigns/campaigns.errors';

@AdminController('campaigns', 'campaigns')
@Roles('admin', 'supervisor', 'reporting')
@ApiExtraModels(ImportContactsDto)
export class ContactsController {
  constructor(
    private readonly importer: ContactImportService,
    private readonly query: ContactsQueryService,
  ) {}

  // JSON ({ contacts: [...] }, up to 5,000 and 1 MB) or text/csv streamed (a header line with a phone column; any size up
  // to CAMPAIGN_IMPORT_MAX_MB). 200 with what was inserted, merged and rejected (each rejection with its line).
  @Post(':id/contacts')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @AcceptsCsvBody()
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    description: 'JSON { contacts: [{ phone, timeZone?, attributes? }] }, or text/csv: phone[,timeZone][,attribute columns...]',
    schema: { oneOf: [{ $ref: getSchemaPath(ImportContactsDto) }, { type: 'string', example: 'phone,timeZone,firstName\n+14045005001,,Ann\n' }] },
  })
  @ApiOkResponse({ type: ImportResultResponse })
  @ApiPayloadTooLargeResponse({ description: 'The CSV is over CAMPAIGN_IMPORT_MAX_MB' })
  import(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: unknown,
    @Query() query: ImportQueryDto,
    @Headers('content-type') contentType: string | undefined,
  ): Promise<ImportResultResponse> {
    const options = { strict: query.strict ?? false, defaultCountry: query.defaultCountry as CountryCode | undefined };
    if (/^text\/csv\b/i.test(contentType ?? '')) {
      if (!(body instanceof Readable)) throw new CampaignsError('invalid_contacts', 'The CSV body could not be read');
      return this.importer.importCsv(id, body, options);
    }
    return this.importer.importJson(id, validateBody(ImportContactsDto, body), options);
  }

  @Get(':id/contacts')
  @ApiOkResponse({ description: 'Contacts by phone number: { items: ContactResponse[], nextCursor }' })
  list(@Param('id', uuidParam('id')) id: string, @Query() query: ListContactsQueryDto) {
    return this.query.list(id, query);
  }
}
