import { ApiProperty } from '@nestjs/swagger';

export class PickResponse {
  @ApiProperty({ example: '+14045001000' }) cli: string;
  @ApiProperty({ enum: ['area_code', 'country', 'any'], description: 'How local the pick is' }) match: 'area_code' | 'country' | 'any';
}
