import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';

// The longest a queue may keep a caller (each park is at most 600 s; we re-park for as long as this allows).
export const MAX_WAIT_LIMIT_S = 4 * 3600;
export const MAX_WAITING_LIMIT = 10_000;

// What happens to a caller past a wait limit: another queue (re-parked with its prompts, keeping the wait), a
// message then hangup, a forward to a number (at the door: connectPstn; past the maximum wait the number is rung into
// the caller's room, as an agent is, since a PATCH cannot connectPstn), or a voicemail (a prompt, then recorded).
export const OVERFLOW_TYPES = ['queue', 'message', 'forward', 'voicemail'] as const;
export const VOICEMAIL_DEFAULT_S = 120;
export const VOICEMAIL_DEFAULT_PROMPT = 'No one can take your call now. Please leave a message after the tone.';
export type OverflowAction =
  | { type: 'queue'; queueId: string }
  | { type: 'message'; text: string }
  | { type: 'forward'; number: string }
  | { type: 'voicemail'; prompt: string; maxSeconds: number };

export class OverflowActionDto {
  @ApiProperty({ enum: OVERFLOW_TYPES })
  @IsIn(OVERFLOW_TYPES)
  type: (typeof OVERFLOW_TYPES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'type queue: the queue the caller moves to' })
  @ValidateIf((o: OverflowActionDto) => o.type === 'queue')
  @IsUUID('4', { message: 'queueId must be a UUID (required for type queue)' })
  queueId?: string;

  @ApiPropertyOptional({ description: 'type message: what the caller hears before the call ends' })
  @ValidateIf((o: OverflowActionDto) => o.type === 'message')
  @IsString({ message: 'text is required for type message' })
  @Length(1, SVAML_LIMITS.ttsChars)
  text?: string;

  @ApiPropertyOptional({ example: '+46701234567', description: 'type forward: the number (E.164) the caller is put through to' })
  @ValidateIf((o: OverflowActionDto) => o.type === 'forward')
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'number must be an E.164 number (required for type forward)' })
  number?: string;

  @ApiPropertyOptional({ description: `type voicemail: said before the recording (default "${VOICEMAIL_DEFAULT_PROMPT}")` })
  @ValidateIf((o: OverflowActionDto) => o.type === 'voicemail' && o.prompt !== undefined)
  @IsString()
  @Length(1, SVAML_LIMITS.ttsChars)
  prompt?: string;

  @ApiPropertyOptional({ minimum: 10, maximum: 600, default: VOICEMAIL_DEFAULT_S, description: 'type voicemail: the longest message' })
  @ValidateIf((o: OverflowActionDto) => o.type === 'voicemail' && o.maxSeconds !== undefined)
  @IsInt()
  @Min(10)
  @Max(600)
  maxSeconds?: number;
}

// Callback instead of waiting: the caller hears the offer (a PATCH runMenu) once, offerAfterS into the wait (0: at
// the first sweep after joining), and pressing `key` hangs up keeping their place; a callback not made within
// expiresAfterS of the request is dropped.
export interface CallbackSettings {
  enabled: boolean;
  key: string;
  offerAfterS: number;
  expiresAfterS: number;
}
export const CALLBACK_DEFAULTS = { key: '1', offerAfterS: 0, expiresAfterS: 3600 } as const;
export const MAX_CALLBACK_EXPIRY_S = 7 * 24 * 3600;

export class CallbackSettingsDto {
  @ApiProperty()
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({ default: CALLBACK_DEFAULTS.key, description: 'The key (0-9, * or #) the caller presses' })
  @IsOptional()
  @Matches(/^[0-9*#]$/, { message: 'key must be one of 0-9, * or #' })
  key?: string;

  @ApiPropertyOptional({ default: CALLBACK_DEFAULTS.offerAfterS, minimum: 0, maximum: MAX_WAIT_LIMIT_S, description: '0: on entry' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_WAIT_LIMIT_S)
  offerAfterS?: number;

  @ApiPropertyOptional({ default: CALLBACK_DEFAULTS.expiresAfterS, minimum: 60, maximum: MAX_CALLBACK_EXPIRY_S })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_CALLBACK_EXPIRY_S)
  expiresAfterS?: number;
}

export function toCallback(dto: CallbackSettingsDto | null | undefined): CallbackSettings | null {
  if (!dto) return null;
  return {
    enabled: dto.enabled,
    key: dto.key ?? CALLBACK_DEFAULTS.key,
    offerAfterS: dto.offerAfterS ?? CALLBACK_DEFAULTS.offerAfterS,
    expiresAfterS: dto.expiresAfterS ?? CALLBACK_DEFAULTS.expiresAfterS,
  };
}

export class QueueSettingsDto {
  @ApiProperty({ example: 'support' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ example: 'Welcome to support.' })
  @IsOptional()
  @IsString()
  @Length(1, SVAML_LIMITS.ttsChars)
  greeting?: string | null;

  @ApiProperty({ example: 'Please hold, an agent will be with you shortly.', description: 'TTS text, or an http(s) URL of music' })
  @IsString()
  @Length(1, SVAML_LIMITS.ttsChars)
  holdPrompt: string;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  locale?: string | null;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  announcePosition?: boolean;

  @ApiPropertyOptional({ minimum: 30, maximum: 600, description: 'Announce position / expected wait every N seconds' })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(600)
  announceEveryS?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_WAITING_LIMIT })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_WAITING_LIMIT)
  maxWaiting?: number | null;

  @ApiPropertyOptional({ minimum: 10, maximum: MAX_WAIT_LIMIT_S })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(MAX_WAIT_LIMIT_S)
  maxWaitS?: number | null;

  @ApiPropertyOptional({ type: OverflowActionDto, description: 'When maxWaiting callers already wait' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OverflowActionDto)
  overflowWhenFull?: OverflowActionDto | null;

  @ApiPropertyOptional({ type: OverflowActionDto, description: 'When a caller has waited maxWaitS' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OverflowActionDto)
  overflowAfterWait?: OverflowActionDto | null;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  serviceLevelS?: number;

  @ApiPropertyOptional({ default: 80, minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  serviceLevelPercent?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  wrapUpS?: number;

  @ApiPropertyOptional({ default: 20, minimum: 5, maximum: 120 })
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(120)
  agentAnswerTimeoutS?: number;

  @ApiPropertyOptional({ enum: ['away', 'available'], default: 'away' })
  @IsOptional()
  @IsIn(['away', 'available'])
  noAnswerStatus?: 'away' | 'available';

  @ApiPropertyOptional({ type: CallbackSettingsDto, description: 'Callback instead of waiting' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallbackSettingsDto)
  callback?: CallbackSettingsDto | null;
}

export function toOverflow(dto: OverflowActionDto | null | undefined): OverflowAction | null {
  if (!dto) return null;
  switch (dto.type) {
    case 'queue':
      return { type: 'queue', queueId: dto.queueId! };
    case 'message':
      return { type: 'message', text: dto.text! };
    case 'forward':
      return { type: 'forward', number: dto.number! };
    case 'voicemail':
      return { type: 'voicemail', prompt: dto.prompt ?? VOICEMAIL_DEFAULT_PROMPT, maxSeconds: dto.maxSeconds ?? VOICEMAIL_DEFAULT_S };
  }
}
