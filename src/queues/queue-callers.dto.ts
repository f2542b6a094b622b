import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';

export const MAX_PRIORITY = 100;

export class CallerPriorityDto {
  @ApiPropertyOptional({ minimum: -MAX_PRIORITY, maximum: MAX_PRIORITY, description: 'Higher is served first' })
  @IsInt()
  @Min(-MAX_PRIORITY)
  @Max(MAX_PRIORITY)
  priority: number;
}

export class MoveCallerDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The queue the caller moves to, keeping their wait' })
  @IsUUID('4')
  queueId: string;
}

export class SendCallerDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An available agent (or number)' })
  @ValidateIf((o: SendCallerDto) => o.number === undefined)
  @IsUUID('4', { message: 'agentId must be a UUID (give agentId or number)' })
  agentId?: string;

  @ApiPropertyOptional({ example: '+46701234567', description: "A number to ring into the caller's room (or agentId)" })
  @ValidateIf((o: SendCallerDto) => o.agentId === undefined || o.number !== undefined)
  @IsDialableNumber()
  number?: string;
}

export class RemoveCallerDto {
  @ApiPropertyOptional({ description: 'Said to the caller before the call ends' })
  @IsOptional()
  @IsString()
  @Length(1, SVAML_LIMITS.ttsChars)
  message?: string;
}

export class StatsPeriodQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Start (inclusive) of the period; default: 24 hours before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-02T00:00:00Z', description: 'End (exclusive); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
