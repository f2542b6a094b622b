import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { PageQueryDto } from 'src/common/pagination';
import { NUMBER_STATUSES, type NumberStatus } from '../phone-number.entity';
import { ROUTE_TYPES, type RouteType } from '../routing/number-routes';

export const POOL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const POOL_NAME_MESSAGE = 'must be 1 to 64 lower-case letters, digits, _ or -';

export class ListNumbersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'SE', description: 'ISO 3166 country of the number' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be a two-letter ISO 3166 country code' })
  country?: string;

  @ApiPropertyOptional({ enum: [...ROUTE_TYPES, 'none'], description: 'The main route\'s type; none: no route (the default answer)' })
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

const ROUTE_EXAMPLE = {
  route: {
    type: 'menu',
    menus: [
      { id: 'main', prompt: 'For sales press 1, for support press 2', options: [{ dtmf: '1', route: { type: 'forward', to: '+46701234567' } }, { dtmf: '2', menu: 'support' }] },
      { id: 'support', prompt: 'For billing press 1', options: [{ dtmf: '1', route: { type: 'message', text: 'Please write to billing@example.com' } }] },
    ],
  },
  businessHours: { timeZone: 'Europe/Stockholm', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' }], holidays: ['2026-12-25'] },
  afterHours: { type: 'message', text: 'We are closed. Our opening hours are 8 to 17, Monday to Friday.' },
};

// The route document is checked field by field by parseRouting (number-routes.ts), which names nested fields.
export class SetRouteDto {
  @ApiProperty({
    description: 'The route: message, forward, menu, queue, conference or reject (see the README\'s Numbers section)',
    example: ROUTE_EXAMPLE.route,
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  route: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Opening hours in an IANA zone; outside them afterHours runs', example: ROUTE_EXAMPLE.businessHours, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  businessHours?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The route outside business hours (required with businessHours)', example: ROUTE_EXAMPLE.afterHours, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  afterHours?: Record<string, unknown>;
}

export class AssignNumbersDto {
  @ApiProperty({ example: ['+15550100001'], description: 'Numbers of the account to assign to this application (1 to 100)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsDialableNumber({ each: true })
  numbers: string[];
}

export class UnassignNumberDto {
  @ApiProperty({ example: '+15550100001' })
  @IsDialableNumber()
  number: string;
}

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

export class PoolNameParamDto {
  @Matches(POOL_NAME, { message: `name ${POOL_NAME_MESSAGE}` })
  name: string;
}

export class PutPoolDto {
  @ApiProperty({ example: ['+14045001000', '+14155001000'], description: 'Active numbers of ours (1 to 1000)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  numbers: string[];

  @ApiPropertyOptional({ default: false, description: 'Leave out numbers flagged for a low answer rate' })
  @IsOptional()
  @IsBoolean()
  excludeFlagged?: boolean;
}

export class PickQueryDto {
  @ApiProperty({ example: '+14045005001', description: 'Who would be called' })
  @IsDialableNumber()
  destination: string;
}
