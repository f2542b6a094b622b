import { ApiProperty } from '@nestjs/swagger';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class UnassignNumberDto {
  @ApiProperty({ example: '+15550100001' })
  @IsDialableNumber()
  number: string;
}
