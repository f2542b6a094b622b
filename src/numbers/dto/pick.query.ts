import { ApiProperty } from '@nestjs/swagger';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class PickQueryDto {
  @ApiProperty({ example: '+14045005001', description: 'Who would be called' })
  @IsDialableNumber()
  destination: string;
}
