import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MUSIC_ON_HOLD, type MusicOnHold } from 'src/sinch/svaml/svaml.types';

// Sinch's conference id: 64 characters at most; we keep to characters that are safe in its REST paths.
const CONFERENCE_ID = /^[A-Za-z0-9_.:-]+$/;
const PIN = /^\d{3,12}$/;
export const MAX_ROOM_PARTICIPANTS = 500;

export class CreateConferenceRoomDto {
  @ApiProperty({ example: 'Weekly all-hands' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  name: string;

  @ApiProperty({ example: 'all-hands', description: 'Sinch conference id: 1 to 64 letters, digits, _ . : -' })
  @Matches(CONFERENCE_ID, { message: 'sinchConferenceId may only hold letters, digits, _ . : -' })
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  sinchConferenceId: string;

  @ApiPropertyOptional({
    example: '1234',
    nullable: true,
    description: '3 to 12 digits; without it callers join without a PIN (or with # when only a moderator PIN is set); null removes it',
  })
  @IsOptional()
  @Matches(PIN, { message: 'participantPin must be 3 to 12 digits' })
  @IsString()
  participantPin?: string | null;

  @ApiPropertyOptional({ example: '987654', nullable: true, description: '3 to 12 digits, different from the participant PIN; null removes it' })
  @IsOptional()
  @Matches(PIN, { message: 'moderatorPin must be 3 to 12 digits' })
  @IsString()
  moderatorPin?: string | null;

  @ApiPropertyOptional({ enum: MUSIC_ON_HOLD, default: 'music1' })
  @IsOptional()
  @IsIn(MUSIC_ON_HOLD)
  musicOnHold?: MusicOnHold;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: MAX_ROOM_PARTICIPANTS })
  @IsOptional()
  @Max(MAX_ROOM_PARTICIPANTS)
  @Min(1)
  @IsInt()
  maxParticipants?: number;

  @ApiPropertyOptional({ default: false, description: 'Participants (not moderators) join muted' })
  @IsOptional()
  @IsBoolean()
  joinMuted?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Participants are held with the music until a moderator joins' })
  @IsOptional()
  @IsBoolean()
  waitForModerator?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Everyone is kicked when the last moderator leaves' })
  @IsOptional()
  @IsBoolean()
  endWhenModeratorLeaves?: boolean;

  @ApiPropertyOptional({ example: '2026-12-01T09:00:00Z', nullable: true, description: 'Dial-in refused before this time; null removes it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  openFrom?: string | null;

  @ApiPropertyOptional({ example: '2026-12-01T11:00:00Z', nullable: true, description: 'Dial-in refused from this time; null removes it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  openUntil?: string | null;
}
