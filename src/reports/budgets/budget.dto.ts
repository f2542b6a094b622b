import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const BUDGET_SCOPES = ['global', 'campaign', 'queue'] as const;
export const BUDGET_PERIODS = ['day', 'month'] as const;

export class CreateBudgetDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) name: string;

  @ApiProperty({ enum: BUDGET_SCOPES, description: 'global: every call; campaign / queue: the calls of scopeId' })
  @IsIn(BUDGET_SCOPES)
  scope: (typeof BUDGET_SCOPES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'The campaign or queue (not with global)' })
  @IsOptional()
  @IsUUID()
  scopeId?: string;

  @ApiProperty({ enum: BUDGET_PERIODS }) @IsIn(BUDGET_PERIODS) period: (typeof BUDGET_PERIODS)[number];

  @ApiPropertyOptional({ default: 'UTC', description: 'IANA zone (whole-hour offset) where a day or month starts' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217: only calls billed in it count' }) @IsString() @Matches(/^[A-Z]{3}$/) currency: string;

  @ApiProperty({ example: '100.00', description: 'The limit per period, an exact decimal string (> 0, up to 6 decimals)' })
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,6})?$/)
  amount: string;

  @ApiPropertyOptional({ type: [Number], default: [50, 80, 100], description: 'Percent of amount, 1-1000, each crossed once per period' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1000, { each: true })
  thresholds?: number[];

  @ApiPropertyOptional({
    description:
      'At 100 %: pause the campaign (global: every running campaign, and refuse callouts with 409). Default true; a queue budget only alerts (false; true is a 400)',
  })
  @IsOptional()
  @IsBoolean()
  pauseAtLimit?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Receive each crossed threshold as a signed JSON POST (needs BUDGET_ALERT_SECRET)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { each: true })
  alertUrls?: string[];
}

export class BudgetAlertResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-11-01' }) periodStart: string;
  @ApiProperty() threshold: number;
  @ApiProperty({ description: 'Spend when it was crossed (exact decimal string)' }) spend: string;
  @ApiProperty() crossedAt: string;
  @ApiProperty({ description: 'Each POST attempt: url, attempt, HTTP status or error' })
  deliveries: { url: string; attempt: number; status: number | null; error: string | null; at: string }[];
}

export class BudgetResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: BUDGET_SCOPES }) scope: string;
  @ApiProperty({ nullable: true }) scopeId: string | null;
  @ApiProperty({ enum: BUDGET_PERIODS }) period: string;
  @ApiProperty() timeZone: string;
  @ApiProperty() currency: string;
  @ApiProperty() amount: string;
  @ApiProperty({ type: [Number] }) thresholds: number[];
  @ApiProperty() pauseAtLimit: boolean;
  @ApiProperty({ type: [String], description: 'Whole for admin keys; only each URL origin for supervisor and reporting keys' }) alertUrls: string[];
  @ApiProperty({ description: 'Start (local date) of the current period' }) periodStart: string;
  @ApiProperty({ description: 'Spend in the current period (exact decimal string)' }) spent: string;
  @ApiProperty({ type: [BudgetAlertResponse], description: 'Thresholds crossed in the current period' }) alerts: BudgetAlertResponse[];
}
