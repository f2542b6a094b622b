import { POOL_CLI, type PoolCli } from 'src/callouts/caller-id-pools.service';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { CallCustomExtra } from 'src/calls/call-custom';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';
import { MUSIC_ON_HOLD, type MusicOnHold, type Svaml } from 'src/sinch/svaml/svaml.types';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { IsFlatRecord } from './callout-validators';

export const CALLOUT_TYPES = ['tts', 'conference', 'custom'] as const;
export type CalloutType = (typeof CALLOUT_TYPES)[number];

const DTMF = /^[0-9#w]{1,128}$/;
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;
const TTS_CHARS = SVAML_LIMITS.ttsChars;
const MAX_DURATION_S = SVAML_LIMITS.connectMaxDurationSeconds;

// The body of POST /api/v1/callouts is chosen by `type`; CreateCalloutPipe validates it against one of the
// classes below, so a field of another type is refused as unknown.
abstract class CalloutBaseDto {
  @ApiProperty({ enum: CALLOUT_TYPES })
  @IsIn(CALLOUT_TYPES)
  type: CalloutType;

  @ApiProperty({ example: '+46701234567', description: 'Who to call, in international format; stored as E.164' })
  @IsDialableNumber()
  @IsDefined()
  destination: string;

  @ApiPropertyOptional({ example: '+46701234000', description: 'Caller id shown to the callee, "private", or { pool: "sales" } (a number of that caller-id pool, local to the callee when it has one)' })
  @IsOptional()
  @IsDialableNumber({ allowPrivate: true, orElse: POOL_CLI })
  cli?: string | PoolCli;

  @ApiPropertyOptional({ example: 'ww123#', description: 'DTMF sent when the callee answers: 0-9, # and w (a 500 ms pause)' })
  @IsOptional()
  @Matches(DTMF, { message: 'dtmf may only contain 0-9, # and w (1 to 128 of them)' })
  dtmf?: string;

  @ApiPropertyOptional({ description: 'Record the call' })
  @IsOptional()
  @IsBoolean()
  record?: boolean;

  @ApiPropertyOptional({
    description: 'Your own data, echoed in every callback next to our call id (at most 1024 bytes in all as JSON)',
    example: { orderId: 'A-1042' },
  })
  @IsOptional()
  @IsFlatRecord()
  custom?: CallCustomExtra;
}

export class TtsCalloutDto extends CalloutBaseDto {
  declare type: 'tts';

  @ApiPropertyOptional({ maxLength: TTS_CHARS, description: 'Text read to the callee (text or prompts is required)' })
  @ValidateIf((o: TtsCalloutDto) => o.prompts === undefined || o.text !== undefined)
  @MaxLength(TTS_CHARS)
  @MinLength(1)
  @IsString({ message: 'text must be a string (a tts callout needs text or prompts)' })
  text?: string;

  @ApiPropertyOptional({ maxLength: TTS_CHARS, example: '#tts[Hello];#href[https://example.com/jingle.mp3]' })
  @IsOptional()
  @MaxLength(TTS_CHARS)
  @MinLength(1)
  @IsString()
  prompts?: string;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language tag such as en-US' })
  locale?: string;
}

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

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_S, description: 'Seconds before Sinch ends the call' })
  @IsOptional()
  @Max(MAX_DURATION_S)
  @Min(1)
  @IsInt()
  maxDuration?: number;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language tag such as en-US' })
  locale?: string;
}

export class CustomCalloutDto extends CalloutBaseDto {
  declare type: 'custom';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Inline ICE SVAML. Its instructions run first; its action, if given, must be connectPstn without a number (the destination is dialled). Default: connectPstn to destination',
  })
  @IsOptional()
  @IsObject()
  ice?: Svaml;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Inline ACE SVAML (default: continue)' })
  @IsOptional()
  @IsObject()
  ace?: Svaml;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Inline PIE SVAML (runMenu answers)' })
  @IsOptional()
  @IsObject()
  pie?: Svaml;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_S, description: 'Seconds before Sinch ends the call' })
  @IsOptional()
  @Max(MAX_DURATION_S)
  @Min(1)
  @IsInt()
  maxDuration?: number;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language tag such as en-US' })
  locale?: string;
}

export type CreateCalloutDto = TtsCalloutDto | ConferenceCalloutDto | CustomCalloutDto;

export const CALLOUT_DTO_BY_TYPE: Readonly<Record<CalloutType, new () => CreateCalloutDto>> = {
  tts: TtsCalloutDto,
  conference: ConferenceCalloutDto,
  custom: CustomCalloutDto,
};
