import { ApiProperty } from '@nestjs/swagger';
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
}
