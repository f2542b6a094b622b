import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadGatewayResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { CallControlService } from 'src/calls/call-control.service';
import { CallDetailResponse } from 'src/calls/dto/call-detail.response';
import { ManageCallResult } from 'src/calls/dto/manage-call.result';
import { CallsQueryService } from 'src/calls/calls-query.service';
import { ListCallsQueryDto } from 'src/calls/dto/list-calls.query';
import { ManageCallDto } from 'src/calls/dto/manage-call.dto';
import { uuidParam } from 'src/common/validation';

@AdminController('calls', 'calls')
@Roles('admin', 'supervisor', 'reporting')
export class CallsController {
  constructor(
    private readonly query: CallsQueryService,
    private readonly control: CallControlService,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Calls, newest first: { items: CallResponse[], nextCursor }' })
  list(@Query() query: ListCallsQueryDto) {
    return this.query.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: CallDetailResponse, description: 'The call with its callback timeline' })
  @ApiNotFoundResponse({ description: 'No such call' })
  get(@Param('id', uuidParam('id')) id: string): Promise<CallDetailResponse> {
    return this.query.get(id);
  }

  @Post(':id/hangup')
  @Roles('admin', 'supervisor')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ManageCallResult, description: 'Sinch accepted the hangup; the DiCE will follow' })
  @ApiConflictResponse({ description: 'The call has ended or has no Sinch call id yet' })
  @ApiBadGatewayResponse({ description: 'Sinch refused (its errorCode is in the message)' })
  hangup(@Param('id', uuidParam('id')) id: string): Promise<ManageCallResult> {
    return this.control.hangup(id);
  }

  @Patch(':id')
  @Roles('admin', 'supervisor')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ManageCallResult, description: 'Sinch accepted the SVAML for the live call' })
  @ApiConflictResponse({ description: 'The call has ended or has no Sinch call id yet' })
  @ApiBadGatewayResponse({ description: 'Sinch refused (its errorCode is in the message)' })
  manage(@Param('id', uuidParam('id')) id: string, @Body() body: ManageCallDto): Promise<ManageCallResult> {
    return this.control.manage(id, body);
  }
}
