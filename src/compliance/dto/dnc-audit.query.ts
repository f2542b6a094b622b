import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class DncAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsDialableNumber()
  phone?: string;
}
