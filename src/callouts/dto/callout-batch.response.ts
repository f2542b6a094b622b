import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CalloutType } from 'src/callouts/dto/callout-base.dto';
import type { CalloutResponse } from 'src/callouts/dto/callout.response';

export class CalloutRefusal {
  @ApiProperty({ enum: ['not_callable'] })
  code: 'not_callable';

  @ApiProperty({ example: 'calls[3].destination' })
  field: string;

  @ApiProperty({ enum: ['do_not_call', 'frequency_cap', 'recent_abandon'] })
  rule: string;

  @ApiProperty({ example: 'calls[3].destination may not be called: the number is on the global do-not-call list' })
  message: string;
}

// One item's result, at its index in the request: queued (as POST /api/v1/callouts answers) or refused.
export class CalloutBatchItemResponse {
  @ApiProperty({ description: "The item's index in `calls`" })
  index: number;

  @ApiProperty({ enum: ['queued', 'refused'] })
  state: 'queued' | 'refused';

  @ApiPropertyOptional({ format: 'uuid', description: 'queued: the call row id' })
  id?: string;

  @ApiPropertyOptional({ enum: ['tts', 'conference', 'custom'] })
  type?: CalloutType;

  @ApiPropertyOptional({ example: '/api/v1/calls/2b0c…' })
  href?: string;

  @ApiPropertyOptional()
  createdAt?: string;

  @ApiPropertyOptional({ type: CalloutRefusal, description: 'refused: compliance does not allow calling the number now; nothing was stored for it' })
  error?: CalloutRefusal;
}

// A batch answers no cost estimate per item (it would cost a rate lookup per call); POST /api/v1/callouts does.
export type CalloutBatchResult =
  ({ index: number } & Omit<CalloutResponse, 'estimatedCostPerMinute'>) | { index: number; state: 'refused'; error: CalloutRefusal };

export class CalloutBatchResponse {
  @ApiProperty({ description: 'Items queued' })
  accepted: number;

  @ApiProperty({ description: 'Items refused by compliance (do-not-call, frequency cap)' })
  refused: number;

  @ApiProperty({ type: [CalloutBatchItemResponse], description: 'One result per item, in request order' })
  results: CalloutBatchResult[];
}
