import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';

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
