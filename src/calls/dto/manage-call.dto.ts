import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const LOCALE_MESSAGE = 'locale must be a locale such as en-US';

export class SayDto {
  @ApiPropertyOptional({ maxLength: 600, example: 'Please hold, an agent will be with you shortly.' })
  @IsString()
  @Length(1, 600)
  text: string;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: LOCALE_MESSAGE })
  locale?: string;
}

export class PlayDto {
  @ApiPropertyOptional({ type: [String], description: 'Prompt / file ids, e.g. "#href[https://...]" or "#tts[Hello]"' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 600, { each: true })
  files: string[];

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: LOCALE_MESSAGE })
  locale?: string;
}

export class DtmfDto {
  @ApiPropertyOptional({ example: '1234#', description: '0-9, # and w (a 500 ms pause)' })
  @Matches(/^[0-9#w]{1,64}$/, { message: 'digits must be 1 to 64 of 0-9, # and w' })
  digits: string;
}

export class ParkDto {
  @ApiPropertyOptional({ maxLength: 600 })
  @IsOptional()
  @IsString()
  @Length(1, 600)
  introPrompt?: string;

  @ApiPropertyOptional({ maxLength: 600 })
  @IsOptional()
  @IsString()
  @Length(1, 600)
  holdPrompt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 600, description: 'Seconds; Sinch allows at most 600' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  maxDuration?: number;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: LOCALE_MESSAGE })
  locale?: string;
}

// What a supervisor may do to a live call. Instructions (say, play, dtmf) run first, then the action: park or
// hangup, or, with neither, the call carries on (continue).
export class ManageCallDto {
  @ApiPropertyOptional({ type: SayDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SayDto)
  say?: SayDto;

  @ApiPropertyOptional({ type: PlayDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PlayDto)
  play?: PlayDto;

  @ApiPropertyOptional({ type: DtmfDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DtmfDto)
  dtmf?: DtmfDto;

  @ApiPropertyOptional({ type: ParkDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ParkDto)
  park?: ParkDto;

  @ApiPropertyOptional({ description: 'Hang the call up (after any instructions)' })
  @IsOptional()
  @IsBoolean()
  hangup?: boolean;
}
