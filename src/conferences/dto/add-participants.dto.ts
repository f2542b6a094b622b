import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { CONFERENCE_ROLES, type ConferenceRole } from 'src/conferences/conference-participant.entity';

export const MAX_DIAL_OUT = 100;

export class AddParticipantsDto {
  @ApiProperty({ example: ['+46701234567'], description: `1 to ${MAX_DIAL_OUT} numbers to call into the room` })
  @IsDialableNumber({ each: true })
  @ArrayUnique()
  @ArrayMaxSize(MAX_DIAL_OUT)
  @ArrayMinSize(1)
  @IsArray()
  destinations: string[];

  @ApiPropertyOptional({ enum: CONFERENCE_ROLES, default: 'participant' })
  @IsOptional()
  @IsIn(CONFERENCE_ROLES)
  role?: ConferenceRole;

  @ApiPropertyOptional({ description: "Joined muted; default: the room's joinMuted for participants, false for moderators" })
  @IsOptional()
  @IsBoolean()
  muted?: boolean;

  @ApiPropertyOptional({ example: '+46101230001', description: 'Caller id shown to the callee' })
  @IsOptional()
  @IsDialableNumber()
  cli?: string;
}
