import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import { DialingDto } from 'src/campaigns/dto/dialing.dto';
import {
  AnsweringMachineDto,
  CallingWindowDto,
  CampaignCliDto,
  CampaignMessageDto,
  PacingDto,
  RetryPolicyDto,
  SpendCapDto,
} from 'src/campaigns/dto/campaign-settings.dto';

const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;

export class CreateCampaignDto {
  @ApiProperty({ example: 'Appointment reminders, March' })
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  name: string;

  @ApiPropertyOptional({ example: ['+14045001000', '+14045001001'], description: 'Caller ids, used in rotation; required unless cli.pool is given' })
  @IsOptional()
  @IsDialableNumber({ each: true })
  @ArrayUnique()
  @ArrayMaxSize(50)
  @ArrayMinSize(1)
  @IsArray()
  callerIds?: string[];

  @ApiPropertyOptional({
    type: CampaignCliDto,
    nullable: true,
    description: 'Caller ids from a caller-id pool instead of callerIds (null on update: back to callerIds)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignCliDto)
  cli?: CampaignCliDto | null;

  @ApiPropertyOptional({ example: 'en-US', default: 'en-US' })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language tag such as en-US' })
  locale?: string;

  @ApiProperty({ type: CampaignMessageDto })
  @ValidateNested()
  @Type(() => CampaignMessageDto)
  @IsDefined()
  message: CampaignMessageDto;

  @ApiPropertyOptional({ type: AnsweringMachineDto, description: 'Default: hang up on a machine' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AnsweringMachineDto)
  answeringMachine?: AnsweringMachineDto;

  @ApiProperty({ type: CallingWindowDto })
  @ValidateNested()
  @Type(() => CallingWindowDto)
  @IsDefined()
  callingWindow: CallingWindowDto;

  @ApiProperty({ example: 'America/New_York', description: 'IANA zone for numbers whose country spans several zones' })
  @MaxLength(64)
  @IsString()
  defaultTimeZone: string;

  @ApiProperty({ type: PacingDto })
  @ValidateNested()
  @Type(() => PacingDto)
  @IsDefined()
  pacing: PacingDto;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({ type: SpendCapDto, nullable: true, description: 'The campaign pauses itself once its calls cost this much' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SpendCapDto)
  spendCap?: SpendCapDto | null;

  @ApiPropertyOptional({ example: '2025-03-10T08:00:00Z', nullable: true, description: 'No call before this, even when running' })
  @IsOptional()
  @IsISO8601({ strict: true })
  startAt?: string | null;

  @ApiPropertyOptional({ example: '2025-03-14T20:00:00Z', nullable: true, description: 'The campaign completes at this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  endAt?: string | null;

  @ApiPropertyOptional({ type: DialingDto, description: 'Dial mode (agentless by default) and, with agents, the queue, abandon cap and connect delay' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DialingDto)
  dialing?: DialingDto;
}
