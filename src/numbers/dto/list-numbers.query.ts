import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { NUMBER_STATUSES, type NumberStatus } from 'src/numbers/phone-number.entity';
import { ROUTE_TYPES, type RouteType } from 'src/numbers/routing/number-routes';
import { POOL_NAME, POOL_NAME_MESSAGE } from 'src/numbers/dto/pool-name.param';

export class ListNumbersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'SE', description: 'ISO 3166 country of the number' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be a two-letter ISO 3166 country code' })
  country?: string;

  @ApiPropertyOptional({ enum: [...ROUTE_TYPES, 'none'], description: "The main route's type; none: no route (the default answer)" })
  @IsOptional()
  @IsIn([...ROUTE_TYPES, 'none'])
  route?: RouteType | 'none';

  @ApiPropertyOptional({ example: 'sales', description: 'Numbers in this caller-id pool' })
  @IsOptional()
  @Matches(POOL_NAME, { message: `pool ${POOL_NAME_MESSAGE}` })
  pool?: string;

  @ApiPropertyOptional({ enum: NUMBER_STATUSES })
  @IsOptional()
  @IsIn(NUMBER_STATUSES)
  status?: NumberStatus;
}
