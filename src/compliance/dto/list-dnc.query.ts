import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class ListDncQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'One number (any format)' })
  @IsOptional()
  @IsDialableNumber()
  phone?: string;

  @ApiPropertyOptional({ enum: ['global', 'campaign'], description: 'global: the global list; campaign: campaign lists' })
  @IsOptional()
  @IsIn(['global', 'campaign'])
  scope?: 'global' | 'campaign';

  @ApiPropertyOptional({ description: "One campaign's list" })
  @IsOptional()
  @IsUUID()
  campaignId?: string;
}
