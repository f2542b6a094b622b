import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class AddDncDto {
  @ApiProperty({ example: '+14045005001', description: 'In international format; stored as E.164' })
  @IsDialableNumber()
  @IsString()
  phone: string;

  @ApiPropertyOptional({ description: 'Only this campaign may not call it; leave out for the global list' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ example: 'Asked not to be called (support ticket 4711)' })
  @IsOptional()
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  reason?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'The entry stops blocking calls at this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
