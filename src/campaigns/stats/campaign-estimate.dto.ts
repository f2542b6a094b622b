import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

export class CampaignEstimateQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: "Share of calls answered; default: the campaign's history, else similar campaigns'" })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  answerRate?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 86_400, description: 'Talk seconds of an answered call; default: from history as answerRate' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  talkSeconds?: number;
}

class Money {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '12.34', description: 'Exact decimal string' }) amount: string;
}

export class EstimateRange {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '10.8', description: 'Every contact called once (exact decimal string)' }) low: string;
  @ApiProperty({ example: '19.44', description: 'Every contact called up to the retry policy allows (exact decimal string)' }) high: string;
}

export class EstimateCountry {
  @ApiProperty({ nullable: true, example: 'US' }) country: string | null;
  @ApiProperty() contacts: number;
  @ApiProperty({ type: Money, nullable: true, description: 'Per minute, from the rate cache (Sinch queryNumber); null: no rate known' })
  rate: Money | null;
  @ApiProperty({ nullable: true }) low: string | null;
  @ApiProperty({ nullable: true }) high: string | null;
}

export class EstimateBasis {
  @ApiProperty({ enum: ['given', 'campaign', 'similar'], description: 'Where the answer rate came from' }) answerRateFrom: 'given' | 'campaign' | 'similar';
  @ApiProperty() answerRate: number;
  @ApiProperty({ enum: ['given', 'campaign', 'similar'] }) minutesFrom: 'given' | 'campaign' | 'similar';
  @ApiProperty({ description: 'Billed minutes per answered call (per started minute)' }) billedMinutesPerAnsweredCall: number;
  @ApiProperty({ description: 'Finished calls the history figures come from (0 when given)' }) sampleCalls: number;
  @ApiProperty({ description: 'Most attempts the retry policy gives a contact' }) maxAttempts: number;
}

export class CampaignEstimateResponse {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ description: 'Contacts still to call (pending or in progress)' }) contacts: number;
  @ApiProperty({ type: EstimateBasis }) basis: EstimateBasis;
  @ApiProperty({ type: [EstimateRange], description: 'Expected cost per currency (never added across currencies)' }) cost: EstimateRange[];
  @ApiProperty({ type: [EstimateCountry] }) byCountry: EstimateCountry[];
  @ApiProperty({ description: 'Contacts whose destination has no known rate, or whose rate lookup failed (logged; not in cost)' }) unpriced: number;
}
