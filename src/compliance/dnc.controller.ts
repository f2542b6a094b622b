import { Body, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { AddDncDto } from 'src/compliance/dto/add-dnc.dto';
import { CheckDncQueryDto } from 'src/compliance/dto/check-dnc.query';
import { DncAuditQueryDto } from 'src/compliance/dto/dnc-audit.query';
import { DncCheckResponse } from 'src/compliance/dto/dnc-check.response';
import { DncEntryResponse } from 'src/compliance/dto/dnc-entry.response';
import { ListDncQueryDto } from 'src/compliance/dto/list-dnc.query';
import { DncAdmin } from './dnc-admin.service';

@AdminController('dnc', 'do-not-call')
@Roles('admin', 'supervisor', 'reporting')
export class DncController {
  constructor(private readonly dnc: DncAdmin) {}

  @Post()
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: DncEntryResponse, description: "On the list (global, or the campaign's); queued calls to it are withdrawn" })
  add(@Body() body: AddDncDto, @Req() request: AuthenticatedRequest): Promise<DncEntryResponse> {
    return this.dnc.add(body, actorOf(request));
  }

  @Delete(':id')
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ type: DncEntryResponse, description: 'Removed (the audit trail keeps who and when)' })
  @ApiNotFoundResponse({ description: 'No such entry' })
  remove(@Param('id', uuidParam('id')) id: string, @Req() request: AuthenticatedRequest): Promise<DncEntryResponse> {
    return this.dnc.remove(id, actorOf(request));
  }

  @Get()
  @ApiOkResponse({ description: 'Entries, newest first: { items: DncEntryResponse[], nextCursor }' })
  list(@Query() query: ListDncQueryDto) {
    return this.dnc.list(query);
  }

  @Get('check')
  @ApiOkResponse({ type: DncCheckResponse, description: 'Whether a number may be called (globally, or by a campaign)' })
  check(@Query() query: CheckDncQueryDto): Promise<DncCheckResponse> {
    return this.dnc.check(query.phone, query.campaignId);
  }

  @Get('audit')
  @ApiOkResponse({ description: 'Every change to the lists, newest first: { items: DncAuditResponse[], nextCursor }' })
  audit(@Query() query: DncAuditQueryDto) {
    return this.dnc.auditTrail(query);
  }
}

function actorOf(request: AuthenticatedRequest): string {
  return request.apiKey ? `api-key:${request.apiKey.id} (${request.apiKey.name})` : 'unknown';
}
