import { Body, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/pagination';
import { uuidParam } from 'src/common/validation';
import { ApiKeyResponse } from 'src/auth/dto/api-key.response';
import { CreateApiKeyDto } from 'src/auth/dto/create-api-key.dto';
import { CreatedApiKeyResponse } from 'src/auth/dto/created-api-key.response';
import type { AuthenticatedRequest } from './api-key.guard';
import { ApiKeysService } from './api-keys.service';
import { AdminController, Roles } from './auth.decorators';

@AdminController('api-keys', 'api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'The key is in the response once and never again' })
  create(@Body() body: CreateApiKeyDto, @Req() request: AuthenticatedRequest): Promise<CreatedApiKeyResponse> {
    return this.apiKeys.create(body.name, body.role, request.apiKey?.id ?? null);
  }

  @Get()
  @ApiOkResponse({ description: 'Keys, newest first, without the secret' })
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list(query.limit ?? 50, query.cursor);
  }

  @Delete(':id')
  @ApiOkResponse({ type: ApiKeyResponse, description: 'Revokes the key (kept for audit, never usable again)' })
  revoke(@Param('id', uuidParam('id')) id: string): Promise<ApiKeyResponse> {
    return this.apiKeys.revoke(id);
  }
}
