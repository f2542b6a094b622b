import { Body, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import { AdminController, Idempotency, Roles } from 'src/auth/auth.decorators';
import type { IdempotencyOf } from 'src/common/idempotency/idempotency.service';
import { uuidParam } from 'src/common/validation';
import { CampaignsService } from './campaigns.service';
import { CampaignResponse } from './dto/campaign.response';
import { CreateCampaignDto } from 'src/campaigns/dto/create-campaign.dto';
import { UpdateCampaignDto } from 'src/campaigns/dto/update-campaign.dto';
import { ListCampaignsQueryDto } from './dto/list-campaigns.query';
import { CampaignStatsResponse } from './stats/campaign-stats.response';
import { CampaignStatsService } from './stats/campaign-stats.service';
import { CampaignEstimates } from './stats/campaign-estimate.service';
import { CampaignEstimateQueryDto, CampaignEstimateResponse } from './stats/campaign-estimate.dto';

const CONFLICT = "The action is not allowed in the campaign's state (the message names both)";

@AdminController('campaigns', 'campaigns')
@Roles('admin', 'supervisor', 'reporting')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly stats: CampaignStatsService,
    private readonly estimates: CampaignEstimates,
  ) {}

  @Post()
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: CampaignResponse, description: 'Created as a draft' })
  create(@Body() body: CreateCampaignDto, @Req() request: AuthenticatedRequest): Promise<CampaignResponse> {
    return this.campaigns.create(body, request.apiKey?.id ?? null);
  }

  @Get()
  @ApiOkResponse({ description: 'Campaigns, newest first: { items: CampaignResponse[], nextCursor }' })
  list(@Query() query: ListCampaignsQueryDto) {
    return this.campaigns.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: CampaignResponse })
  @ApiNotFoundResponse({ description: 'No such campaign' })
  get(@Param('id', uuidParam('id')) id: string): Promise<CampaignResponse> {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ type: CampaignResponse, description: 'Settings changed (only while draft or paused)' })
  @ApiConflictResponse({ description: CONFLICT })
  update(@Param('id', uuidParam('id')) id: string, @Body() body: UpdateCampaignDto): Promise<CampaignResponse> {
    return this.campaigns.update(id, body);
  }

  @Post(':id/start')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A repeated start with the same key answers the first answer' })
  @ApiOkResponse({ type: CampaignResponse, description: 'draft → running; dialling begins within a few seconds' })
  @ApiConflictResponse({ description: CONFLICT })
  start(@Param('id', uuidParam('id')) id: string, @Idempotency() idempotency: IdempotencyOf): Promise<CampaignResponse> {
    return this.campaigns.transition(id, 'start', idempotency);
  }

  @Post(':id/pause')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CampaignResponse, description: 'running → paused; no new dials, calls in progress finish' })
  @ApiConflictResponse({ description: CONFLICT })
  pause(@Param('id', uuidParam('id')) id: string): Promise<CampaignResponse> {
    return this.campaigns.transition(id, 'pause');
  }

  @Post(':id/resume')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CampaignResponse, description: 'paused → running' })
  @ApiConflictResponse({ description: CONFLICT })
  resume(@Param('id', uuidParam('id')) id: string): Promise<CampaignResponse> {
    return this.campaigns.transition(id, 'resume');
  }

  @Post(':id/cancel')
  @Roles('admin', 'supervisor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CampaignResponse, description: 'draft, running or paused → cancelled; pending contacts become skipped' })
  @ApiConflictResponse({ description: CONFLICT })
  cancel(@Param('id', uuidParam('id')) id: string): Promise<CampaignResponse> {
    return this.campaigns.transition(id, 'cancel');
  }

  @Get(':id/stats')
  @ApiOkResponse({ type: CampaignStatsResponse, description: 'Computed from the call log and the contacts' })
  getStats(@Param('id', uuidParam('id')) id: string): Promise<CampaignStatsResponse> {
    return this.stats.forCampaign(id);
  }

  @Get(':id/estimate')
  @ApiOkResponse({
    type: CampaignEstimateResponse,
    description:
      "Expected cost per currency (low: every contact called once; high: up to the retry policy's attempts) from its contacts' countries, their rates and the answer rate and talk time (given, the campaign's history or similar campaigns')",
  })
  @ApiNotFoundResponse({ description: 'No such campaign' })
  getEstimate(@Param('id', uuidParam('id')) id: string, @Query() query: CampaignEstimateQueryDto): Promise<CampaignEstimateResponse> {
    return this.estimates.forCampaign(id, query);
  }
}
