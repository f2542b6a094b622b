import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';

export class AssignNumbersDto {
  @ApiProperty({ example: ['+15550100001'], description: 'Numbers of the account to assign to this application (1 to 100)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsDialableNumber({ each: true })
  numbers: string[];
}
