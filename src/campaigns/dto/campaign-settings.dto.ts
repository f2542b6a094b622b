import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsUUID,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
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
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { IVR_ACTIONS, MACHINE_ACTIONS, type IvrAction, type MachineAction } from 'src/campaigns/campaign.entity';
import { ISO_WEEKDAYS, type IsoWeekday } from 'src/common/zoned-time';
import { RETRY_LIMITS } from 'src/campaigns/scheduling/retry-policy';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';

const TTS = SVAML_LIMITS.ttsChars;
const HH_MM = /^([01]\d|2[0-4]):[0-5]\d$/;

export class IvrOptionDto {
  @ApiProperty({ example: '1', description: 'The key the callee presses: 0-9, * or #' })
  @Matches(/^[0-9*#]$/, { message: 'digit must be one key: 0-9, * or #' })
  digit: string;

  @ApiProperty({ enum: IVR_ACTIONS, description: "confirm; opt_out (adds the number to the campaign's do-not-call list); agent (connects transferNumber)" })
  @IsIn(IVR_ACTIONS)
  action: IvrAction;
}

export class CampaignMessageDto {
  @ApiProperty({ enum: ['tts', 'ivr'], description: 'tts: read a message and hang up; ivr: read a menu and act on a key' })
  @IsIn(['tts', 'ivr'])
  type: 'tts' | 'ivr';

  @ApiPropertyOptional({ maxLength: TTS, example: 'Hello {{firstName}}, this is a reminder of your appointment tomorrow.' })
  @ValidateIf((o: CampaignMessageDto) => o.type === 'tts')
  @MaxLength(TTS)
  @MinLength(1)
  @IsString({ message: 'text must be a string (a tts message needs text)' })
  text?: string;

  @ApiPropertyOptional({ maxLength: TTS, example: 'Hello {{firstName}}. Press 1 to confirm, 2 to stop these calls, 0 to talk to us.' })
  @ValidateIf((o: CampaignMessageDto) => o.type === 'ivr')
  @MaxLength(TTS)
  @MinLength(1)
  @IsString({ message: 'prompt must be a string (an ivr message needs a prompt)' })
  prompt?: string;

  @ApiPropertyOptional({ type: [IvrOptionDto] })
  @ValidateIf((o: CampaignMessageDto) => o.type === 'ivr')
  @ValidateNested({ each: true })
  @Type(() => IvrOptionDto)
  @ArrayMaxSize(12)
  @ArrayMinSize(1)
  @IsArray({ message: 'options must be an array (an ivr message needs at least one option)' })
  options?: IvrOptionDto[];

  @ApiPropertyOptional({ example: '+14045001999', description: 'Where "agent" connects the callee when no agentQueueId is set' })
  @IsOptional()
  @IsDialableNumber()
  transferNumber?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The inbound queue "agent" hands the callee to (parked there, an agent takes them)' })
  @IsOptional()
  @IsUUID('4')
  agentQueueId?: string;

  @ApiPropertyOptional({ enum: ['global', 'campaign'], default: 'global', description: 'Which do-not-call list an opt-out goes on' })
  @IsOptional()
  @IsIn(['global', 'campaign'])
  optOutScope?: 'global' | 'campaign';

  @ApiPropertyOptional({ maxLength: TTS, description: 'Said after "confirm"' })
  @IsOptional()
  @MaxLength(TTS)
  @MinLength(1)
  @IsString()
  confirmText?: string;

  @ApiPropertyOptional({ maxLength: TTS, description: 'Said after "opt_out"' })
  @IsOptional()
  @MaxLength(TTS)
  @MinLength(1)
  @IsString()
  optOutText?: string;
}

export class AnsweringMachineDto {
  @ApiProperty({ enum: MACHINE_ACTIONS, description: 'When Sinch AMD detects a machine: leave the message, or hang up' })
  @IsIn(MACHINE_ACTIONS)
  action: MachineAction;

  @ApiPropertyOptional({ maxLength: TTS, description: 'Left on the machine (default: the message text or the IVR prompt)' })
  @IsOptional()
  @MaxLength(TTS)
  @MinLength(1)
  @IsString()
  message?: string;
}

export class CallingWindowDto {
  @ApiProperty({ example: [1, 2, 3, 4, 5], description: 'ISO weekdays: 1 = Monday ... 7 = Sunday' })
  @IsIn(ISO_WEEKDAYS, { each: true, message: 'days must contain weekdays from 1 (Monday) to 7 (Sunday)' })
  @ArrayUnique()
  @ArrayMinSize(1)
  @IsArray()
  days: IsoWeekday[];

  @ApiProperty({ example: '09:00', description: "Local time in the callee's zone, inclusive" })
  @Matches(HH_MM, { message: 'start must be a time HH:MM' })
  start: string;

  @ApiProperty({ example: '20:00', description: 'Local time, exclusive; after start (24:00 = midnight)' })
  @Matches(HH_MM, { message: 'end must be a time HH:MM' })
  end: string;
}

export class PacingDto {
  @ApiProperty({ example: 2, description: 'Calls started per second (at most SINCH_CALLOUTS_PER_SECOND)' })
  @Min(0.01, { message: 'callsPerSecond must be positive (at least 0.01)' })
  @IsNumber({ maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false })
  callsPerSecond: number;

  @ApiProperty({ example: 20, description: 'Calls of this campaign in progress at once' })
  @Max(10_000)
  @Min(1, { message: 'maxConcurrent must be at least 1' })
  @IsInt()
  maxConcurrent: number;
}

export class RetryRuleDto {
  @ApiProperty({ example: 600, description: 'Seconds before the next attempt (then the calling window must be open)' })
  @Max(RETRY_LIMITS.maxDelayS)
  @Min(0)
  @IsInt()
  delayS: number;

  @ApiProperty({ example: 3, description: 'Attempts in all when the latest one ended this way (1 = no retry)' })
  @Max(RETRY_LIMITS.maxAttempts)
  @Min(1)
  @IsInt()
  maxAttempts: number;
}

// Each outcome may be left out: the default rule applies (see DEFAULT_RETRY_POLICY).
export class RetryPolicyDto {
  @ApiPropertyOptional({ type: RetryRuleDto }) @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) busy?: RetryRuleDto;
  @ApiPropertyOptional({ type: RetryRuleDto }) @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) noAnswer?: RetryRuleDto;
  @ApiPropertyOptional({ type: RetryRuleDto }) @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) failed?: RetryRuleDto;
  @ApiPropertyOptional({ type: RetryRuleDto }) @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) machine?: RetryRuleDto;
}

export class CampaignCliDto {
  @ApiProperty({ example: 'sales', description: "A caller-id pool's name or id: each call shows a number of the callee's area code or country" })
  @MaxLength(64)
  @MinLength(1)
  @IsString()
  pool: string;
}

export class SpendCapDto {
  @ApiProperty({ example: '250.00', description: 'A decimal amount, as a string (never a float)' })
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, { message: 'amount must be a decimal string such as "250.00" (up to 6 decimals)' })
  @IsString({ message: 'amount must be a decimal string such as "250.00"' })
  amount: string;

  @ApiProperty({ example: 'USD', description: "ISO 4217; compared with the currency of Sinch's debits" })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency: string;
}
