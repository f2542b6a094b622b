import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { MUSIC_ON_HOLD, type MusicOnHold } from 'src/sinch/svaml/svaml.types';

export class HoldDto {
  @ApiPropertyOptional({ enum: MUSIC_ON_HOLD, description: "Default: the room's music on hold" })
  @IsOptional()
  @IsIn(MUSIC_ON_HOLD)
  music?: MusicOnHold;
}
