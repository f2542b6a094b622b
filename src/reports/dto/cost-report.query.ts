import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const list = (what: string) => `Comma-separated ${what}; '' matches none`;

export class PeriodQueryDto {
  @ApiProperty({ format: 'date-time', description: 'Calls created at or after (inclusive)' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'Calls created before (exclusive)' })
  @IsISO8601({ strict: true })
  to: string;
}

export class CostReportQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ example: 'Europe/Stockholm', description: 'IANA zone of the day / week (Monday) / month buckets; default UTC' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({
    example: 'day,campaign',
    description: 'Comma-separated: day, week, month, campaign, queue, conference, country, callerId, numberDialled, direction, result, agent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  groupBy?: string;

  @ApiPropertyOptional({ description: list('campaign ids') }) @IsOptional() @IsString() @MaxLength(4000) campaign?: string;
  @ApiPropertyOptional({ description: list('queue ids') }) @IsOptional() @IsString() @MaxLength(4000) queue?: string;
  @ApiPropertyOptional({ description: list('conference ids') }) @IsOptional() @IsString() @MaxLength(4000) conference?: string;
  @ApiPropertyOptional({ description: list('ISO 3166 alpha-2 codes') }) @IsOptional() @IsString() @MaxLength(4000) country?: string;
  @ApiPropertyOptional({ description: list('caller ids shown on outbound calls (E.164)') }) @IsOptional() @IsString() @MaxLength(4000) callerId?: string;
  @ApiPropertyOptional({ description: list('our numbers inbound calls dialled (E.164)') }) @IsOptional() @IsString() @MaxLength(4000) numberDialled?: string;
  @ApiPropertyOptional({ description: list('directions (outbound, inbound)') }) @IsOptional() @IsString() @MaxLength(100) direction?: string;
  @ApiPropertyOptional({ description: list("Sinch results (ANSWERED, BUSY, NOANSWER, FAILED, N/A; '' for none)") })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  result?: string;
  @ApiPropertyOptional({ description: list('agent ids') }) @IsOptional() @IsString() @MaxLength(4000) agent?: string;
  @ApiPropertyOptional({ description: list('ISO 4217 codes: only calls billed in these') }) @IsOptional() @IsString() @MaxLength(200) currency?: string;

  @ApiPropertyOptional({ example: '-calls', description: "A grouped dimension or calls | answered | talkSeconds | billedMinutes; '-' first for descending" })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  sort?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  offset?: number;

  @ApiPropertyOptional({ enum: ['rollups', 'raw'], description: 'raw: sums the call log itself (audits; shorter maximum period)' })
  @IsOptional()
  @IsIn(['rollups', 'raw'])
  source?: 'rollups' | 'raw';

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: the whole report streamed (same as Accept: text/csv)' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class CallsCsvQueryDto extends PeriodQueryDto {}

export class AnomaliesQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100, description: 'At most this many calls and this many destinations' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
