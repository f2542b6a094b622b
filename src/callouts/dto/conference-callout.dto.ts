import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';
import { MUSIC_ON_HOLD, type MusicOnHold } from 'src/sinch/svaml/svaml.types';
import { CalloutBaseDto, OptionalLocale, OptionalMaxDuration, TTS_CHARS } from 'src/callouts/dto/callout-base.dto';

export class ConferenceDtmfOptionsDto {
  @ApiPropertyOptional({ enum: ['ignore', 'forward', 'detect'] })
  @IsOptional()
  @IsIn(['ignore', 'forward', 'detect'])
  mode?: 'ignore' | 'forward' | 'detect';

  @ApiPropertyOptional({ minimum: 1, maximum: 64 })
  @IsOptional()
  @Max(64)
  @Min(1)
  @IsInt()
  maxDigits?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 60_000 })
  @IsOptional()
  @Max(60_000)
  @Min(0)
  @IsInt()
  timeoutMills?: number;
}

export class ConferenceCalloutDto extends CalloutBaseDto {
  declare type: 'conference';

  @ApiProperty({ maxLength: SVAML_LIMITS.conferenceIdChars, example: 'standup-42' })
  @MaxLength(SVAML_LIMITS.conferenceIdChars)
  @MinLength(1)
  @IsString()
  @IsDefined({ message: 'conferenceId is required for a conference callout' })
  conferenceId: string;

  @ApiPropertyOptional({ maxLength: TTS_CHARS, description: 'Played to the participant before joining' })
  @IsOptional()
  @MaxLength(TTS_CHARS)
  @IsString()
  greeting?: string;

  @ApiPropertyOptional({ enum: MUSIC_ON_HOLD, description: 'Music while alone in the conference' })
  @IsOptional()
  @IsIn(MUSIC_ON_HOLD)
  moh?: MusicOnHold;

  @ApiPropertyOptional({ type: ConferenceDtmfOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConferenceDtmfOptionsDto)
  dtmfOptions?: ConferenceDtmfOptionsDto;

  @OptionalMaxDuration()
  maxDuration?: number;

  @OptionalLocale()
  locale?: string;
}
