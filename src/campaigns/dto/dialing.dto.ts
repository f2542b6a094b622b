import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { DEFAULT_CONNECT_DELAY_S, DIAL_MODES, LEGAL_ABANDON_CAP_PERCENT, type DialMode } from 'src/campaigns/dialer/dial-mode';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';

export class DialingDto {
  @ApiPropertyOptional({
    enum: DIAL_MODES,
    default: 'agentless',
    description:
      'agentless: the message or menu; progressive: one call per free agent of the queue; predictive: dials ahead of free agents under the abandon cap',
  })
  @IsOptional()
  @IsIn(DIAL_MODES)
  mode?: DialMode;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The inbound queue whose agents take the answered callees (progressive, predictive)' })
  @IsOptional()
  @IsUUID('all', { message: 'dialing.queueId must be a UUID' })
  queueId?: string | null;

  @ApiPropertyOptional({ default: LEGAL_ABANDON_CAP_PERCENT, description: 'Most abandoned calls, in % of calls answered by a person (campaign and 30 days)' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'dialing.abandonCapPercent must be a number' })
  abandonCapPercent?: number;

  @ApiPropertyOptional({ nullable: true, maxLength: 500, description: 'Required for a cap above the legal 3 %' })
  @IsOptional()
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  capOverrideReason?: string | null;

  @ApiPropertyOptional({ default: DEFAULT_CONNECT_DELAY_S, description: 'Seconds an answered callee may wait for an agent before the abandon message' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 3 }, { message: 'dialing.connectDelayS must be a number' })
  connectDelayS?: number;

  @ApiPropertyOptional({
    nullable: true,
    maxLength: SVAML_LIMITS.ttsChars,
    description: 'What an abandoned callee hears; {{cli}} and {{campaign}} are filled in',
  })
  @IsOptional()
  @MaxLength(SVAML_LIMITS.ttsChars)
  @MinLength(1)
  @IsString()
  abandonMessage?: string | null;
}
