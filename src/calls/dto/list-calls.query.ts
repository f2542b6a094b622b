import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { CALL_DIRECTIONS, CALL_STATES, type CallDirection, type CallState } from 'src/calls/call.entity';
import { PageQueryDto } from 'src/common/pagination';

export const CALL_RESULTS = ['ANSWERED', 'BUSY', 'NOANSWER', 'FAILED', 'N/A'] as const;

export class ListCallsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CALL_STATES })
  @IsOptional()
  @IsIn(CALL_STATES)
  state?: CallState;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @IsOptional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @ApiPropertyOptional({ enum: CALL_RESULTS, description: 'Sinch result of the call' })
  @IsOptional()
  @IsIn(CALL_RESULTS)
  result?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ description: 'E.164 number matching the caller or the callee', example: '+46701234567' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{1,14}$/, { message: 'number must be an E.164 number such as +46701234567' })
  number?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
