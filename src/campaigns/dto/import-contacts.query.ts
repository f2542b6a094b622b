import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ImportQueryDto {
  @ApiPropertyOptional({ description: 'true: any rejected row fails the whole import (400, nothing stored)', default: false })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  strict?: boolean;

  @ApiPropertyOptional({ example: 'SE', description: 'Country for numbers written without a country code' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'defaultCountry must be an ISO 3166 alpha-2 code such as SE' })
  defaultCountry?: string;
}
