import { ApiProperty } from '@nestjs/swagger';
import { CallResponse } from 'src/calls/dto/call.response';
import { CallEventResponse } from 'src/calls/dto/call-event.response';

export class CallDetailResponse extends CallResponse {
  @ApiProperty({ type: [CallEventResponse], description: 'Callbacks of this call, oldest first' })
  events: CallEventResponse[];
}
