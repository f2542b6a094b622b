import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class CheckDncQueryDto {
  @ApiProperty({ example: '+14045005001' })
  @IsDialableNumber()
  @IsString()
  phone: string;

  @ApiPropertyOptional({ description: "Also check this campaign's list" })
  @IsOptional()
  @IsUUID()
  campaignId?: string;
}
