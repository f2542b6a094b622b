import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { ENDPOINT_TYPES, type EndpointType } from './agent.entity';

export const MAX_SKILL = 10;
// Statuses a person sets; busy and wrap_up are the service's (an offer, a finished call).
export const SETTABLE_STATUSES = ['offline', 'available', 'away'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export class AgentQueueDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  queueId: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SKILL, default: 1, description: 'Higher is better' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SKILL)
  skill?: number;
}

export class AgentDto {
  @ApiProperty({ example: 'Alice' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: ENDPOINT_TYPES, description: 'pstn: an E.164 number; sip: a sip: URI; user: a Sinch in-app user' })
  @IsIn(ENDPOINT_TYPES)
  endpointType: EndpointType;

  @ApiProperty({ example: '+46701234567' })
  @IsString()
  @Length(1, 256)
  endpoint: string;

  @ApiPropertyOptional({ type: [AgentQueueDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AgentQueueDto)
  queues?: AgentQueueDto[];

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'An agent-role API key bound to this agent (/agents/me)' })
  @IsOptional()
  @IsUUID('4')
  apiKeyId?: string | null;
}

export class AgentStatusDto {
  @ApiProperty({ enum: SETTABLE_STATUSES })
  @IsIn(SETTABLE_STATUSES, { message: `status must be one of ${SETTABLE_STATUSES.join(', ')} (busy and wrap_up are set by calls)` })
  status: SettableStatus;
}
