import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class RateQueryDto {
  @ApiProperty({ example: '+46701234567' })
  @IsDialableNumber()
  number: string;

  @ApiPropertyOptional({ description: 'true: ask Sinch even if a cached answer is still fresh' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  refresh?: boolean;
}
