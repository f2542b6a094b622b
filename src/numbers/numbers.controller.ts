import { applyDecorators, Body, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiOperation,
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { CallbackUrlService } from './callback-url.service';
import { AssignNumbersDto } from 'src/numbers/dto/assign-numbers.dto';
import { ListNumbersQueryDto } from 'src/numbers/dto/list-numbers.query';
import { PickQueryDto } from 'src/numbers/dto/pick.query';
import { PoolNameParamDto } from 'src/numbers/dto/pool-name.param';
import { PutPoolDto } from 'src/numbers/dto/put-pool.dto';
import { RateQueryDto } from 'src/numbers/dto/rate.query';
import { SetRouteDto } from 'src/numbers/dto/set-route.dto';
import { UnassignNumberDto } from 'src/numbers/dto/unassign-number.dto';
import { CallbackUrlResponse } from 'src/numbers/dto/callback-url.response';
import { NumberResponse } from 'src/numbers/dto/number.response';
import { PickResponse } from 'src/numbers/dto/pick.response';
import { PoolResponse } from 'src/numbers/dto/pool.response';
import { RateResponse } from 'src/numbers/dto/rate.response';
import { RouteAuditResponse } from 'src/numbers/dto/route-audit.response';
import { SyncResponse } from 'src/numbers/dto/sync.response';
import { NumberRates } from './number-rates.service';
import { NumbersSync } from './numbers-sync.service';
import { NumbersService } from './numbers.service';
import { CallerIdPools } from './pools/caller-id-pools.service';

// The roles, enforced and stated in the OpenAPI document.
const Manage = (summary: string) => applyDecorators(Roles('admin'), ApiOperation({ summary, description: 'Roles: admin' }));
const Read = (summary: string) =>
  applyDecorators(Roles('admin', 'supervisor', 'reporting'), ApiOperation({ summary, description: 'Roles: admin, supervisor, reporting' }));

const actorOf = (request: AuthenticatedRequest): string => (request.apiKey ? `api-key:${request.apiKey.id} (${request.apiKey.name})` : 'unknown');

// Admin manages; supervisor and reporting read. Static paths (sync, callback-url, rates, pools) before :id.
@AdminController('numbers', 'numbers')
export class NumbersController {
  constructor(
    private readonly numbers: NumbersService,
    private readonly sync: NumbersSync,
    private readonly callbackUrl: CallbackUrlService,
    private readonly rates: NumberRates,
    private readonly pools: CallerIdPools,
  ) {}

  @Get()
  @Read('List the numbers of the account')
  @ApiOkResponse({ description: 'Numbers, newest first: { items: NumberResponse[], nextCursor }; filters country, route, pool, status' })
  list(@Query() query: ListNumbersQueryDto) {
    return this.numbers.list(query);
  }

  @Post('sync')
  @Manage('Sync the numbers with Sinch now')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SyncResponse, description: 'What was added, released, returned and reassigned' })
  @ApiBadGatewayResponse({ description: 'Sinch refused or failed (its errorCode in the message)' })
  runSync(): Promise<SyncResponse> {
    return this.sync.sync();
  }

  @Post('assign')
  @Manage('Assign numbers to this Sinch application')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SyncResponse, description: 'Assigned to this application in Sinch, then synced' })
  @ApiBadRequestResponse({ description: 'Invalid numbers, or Sinch refused them (its message)' })
  @ApiBadGatewayResponse({ description: 'Sinch failed' })
  assign(@Body() body: AssignNumbersDto): Promise<SyncResponse> {
    return this.sync.assign(body.numbers);
  }

  @Post('unassign')
  @Manage('Unassign a number from this Sinch application')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SyncResponse, description: 'Unassigned from this application in Sinch, then synced' })
  @ApiNotFoundResponse({ description: 'Sinch does not have the number assigned to this application' })
  @ApiBadGatewayResponse({ description: 'Sinch failed' })
  unassign(@Body() body: UnassignNumberDto): Promise<SyncResponse> {
    return this.sync.unassign(body.number);
  }

  @Get('callback-url')
  @Read('The callback URL Sinch has, next to ours')
  @ApiOkResponse({ type: CallbackUrlResponse, description: 'The URL Sinch has for this application next to the one expected' })
  @ApiBadGatewayResponse({ description: 'Sinch failed' })
  getCallbackUrl(): Promise<CallbackUrlResponse> {
    return this.callbackUrl.status();
  }

  @Put('callback-url')
  @Manage('Set the callback URL Sinch has to ours')
  @ApiOkResponse({ type: CallbackUrlResponse, description: "Sinch's primary callback URL set to this service's webhook" })
  @ApiBadGatewayResponse({ description: 'Sinch failed' })
  fixCallbackUrl(): Promise<CallbackUrlResponse> {
    return this.callbackUrl.fix();
  }

  @Get('rates')
  @Read('Country, type and rate of a number')
  @ApiOkResponse({ type: RateResponse, description: 'Country, number type and per-minute rate (Sinch queryNumber, cached for NUMBERS_RATE_TTL_H)' })
  @ApiBadGatewayResponse({ description: 'Sinch failed' })
  rate(@Query() query: RateQueryDto): Promise<RateResponse> {
    return this.rates.get(query.number, { refresh: query.refresh });
  }

  @Get('pools')
  @Read('List caller-id pools')
  @ApiOkResponse({ type: [PoolResponse], description: "Caller-id pools with each number's 7-day answer rate and flag" })
  listPools(): Promise<PoolResponse[]> {
    return this.pools.list();
  }

  @Get('pools/:name')
  @Read('One caller-id pool with answer rates and flags')
  @ApiOkResponse({ type: PoolResponse })
  @ApiNotFoundResponse({ description: 'No such pool' })
  getPool(@Param() params: PoolNameParamDto): Promise<PoolResponse> {
    return this.pools.get(params.name);
  }

  @Put('pools/:name')
  @Manage('Create or replace a caller-id pool')
  @ApiOkResponse({ type: PoolResponse, description: 'Created or replaced' })
  @ApiBadRequestResponse({ description: 'A number that is not ours, released, invalid or listed twice (the field names it)' })
  putPool(@Param() params: PoolNameParamDto, @Body() body: PutPoolDto): Promise<PoolResponse> {
    return this.pools.put(params.name, body);
  }

  @Delete('pools/:name')
  @Manage('Delete a caller-id pool')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such pool' })
  async deletePool(@Param() params: PoolNameParamDto): Promise<void> {
    await this.pools.remove(params.name);
  }

  @Get('pools/:name/pick')
  @Read('The caller id a call would show')
  @ApiOkResponse({ type: PickResponse, description: 'The caller id a call to `destination` would show now (advances the round-robin)' })
  @ApiBadRequestResponse({ description: 'Unknown pool, or no usable number in it' })
  pick(@Param() params: PoolNameParamDto, @Query() query: PickQueryDto): Promise<PickResponse> {
    return this.pools.pickCallerId(params.name, query.destination, 'name');
  }

  @Get(':id')
  @Read('One number')
  @ApiOkResponse({ type: NumberResponse })
  @ApiNotFoundResponse({ description: 'No such number' })
  get(@Param('id', uuidParam('id')) id: string): Promise<NumberResponse> {
    return this.numbers.get(id);
  }

  @Put(':id/route')
  @Manage('Set the inbound route of a number')
  @ApiOkResponse({ type: NumberResponse, description: 'The route is live at once in this process, within NUMBERS_ROUTES_REFRESH_MS in the others; audited' })
  @ApiBadRequestResponse({ description: 'Invalid route (the field is named: route.menus, businessHours.timeZone...)' })
  @ApiConflictResponse({ description: 'The number is released' })
  @ApiNotFoundResponse({ description: 'No such number' })
  setRoute(@Param('id', uuidParam('id')) id: string, @Body() body: SetRouteDto, @Req() request: AuthenticatedRequest): Promise<NumberResponse> {
    return this.numbers.setRoute(id, body, actorOf(request));
  }

  @Delete(':id/route')
  @Manage('Remove the route (default answer)')
  @ApiOkResponse({ type: NumberResponse, description: 'Back to the default answer; audited' })
  @ApiNotFoundResponse({ description: 'No such number' })
  clearRoute(@Param('id', uuidParam('id')) id: string, @Req() request: AuthenticatedRequest): Promise<NumberResponse> {
    return this.numbers.clearRoute(id, actorOf(request));
  }

  @Get(':id/route-audit')
  @Read('Route change history')
  @ApiOkResponse({ type: [RouteAuditResponse], description: 'Route changes, newest first (at most 200)' })
  @ApiNotFoundResponse({ description: 'No such number' })
  audit(@Param('id', uuidParam('id')) id: string): Promise<RouteAuditResponse[]> {
    return this.numbers.auditTrail(id);
  }
}
