import { POOL_CLI, type PoolCli } from 'src/callouts/caller-id-pools.service';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { CallCustomExtra } from 'src/calls/call-custom';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { IsFlatRecord } from 'src/callouts/dto/callout-validators';

export const CALLOUT_TYPES = ['tts', 'conference', 'custom'] as const;

export type CalloutType = (typeof CALLOUT_TYPES)[number];
const DTMF = /^[0-9#w]{1,128}$/;
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;
export const TTS_CHARS = SVAML_LIMITS.ttsChars;
const MAX_DURATION_S = SVAML_LIMITS.connectMaxDurationSeconds;

// Optional fields several callout types share, one rule each (listed in the order stacked decorators run, bottom up).
export const OptionalLocale = () =>
  applyDecorators(Matches(LOCALE, { message: 'locale must be a language tag such as en-US' }), IsOptional(), ApiPropertyOptional({ example: 'en-US' }));
export const OptionalMaxDuration = () =>
  applyDecorators(
    IsInt(),
    Min(1),
    Max(MAX_DURATION_S),
    IsOptional(),
    ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_S, description: 'Seconds before Sinch ends the call' }),
  );

// The body of POST /api/v1/callouts is chosen by `type`; CreateCalloutPipe validates it against one of the
// classes below, so a field of another type is refused as unknown.
export abstract class CalloutBaseDto {
  @ApiProperty({ enum: CALLOUT_TYPES })
  @IsIn(CALLOUT_TYPES)
  type: CalloutType;

  @ApiProperty({ example: '+46701234567', description: 'Who to call, in international format; stored as E.164' })
  @IsDialableNumber()
  @IsDefined()
  destination: string;

  @ApiPropertyOptional({
    example: '+46701234000',
    description: 'Caller id shown to the callee, "private", or { pool: "sales" } (a number of that caller-id pool, local to the callee when it has one)',
  })
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
