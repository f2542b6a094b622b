import { ApiProperty } from '@nestjs/swagger';
import type { CostPerMinute } from 'src/callouts/callout-cost';
import type { CalloutType } from 'src/callouts/dto/callout-base.dto';

export class CalloutResponse {
  @ApiProperty({ format: 'uuid', description: 'The call row id; follow its progress at href' })
  id: string;

  @ApiProperty({ enum: ['queued'] })
  state: 'queued';

  @ApiProperty({ enum: ['tts', 'conference', 'custom'] })
  type: CalloutType;

  @ApiProperty({ example: '/api/v1/calls/2b0c…' })
  href: string;

  @ApiProperty()
  createdAt: string;

  @ApiProperty({
    nullable: true,
    type: 'object',
    properties: { amount: { type: 'string', example: '0.0135' }, currency: { type: 'string', example: 'USD' } },
    description: "Expected cost per minute (the destination's rate, exact decimal string; billed per started minute); null when no rate is known",
  })
  estimatedCostPerMinute: CostPerMinute | null;
}
