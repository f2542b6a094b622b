import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { POLICY_TARGETS, RECORDING_MODES, type PolicyTargetType, type RecordingMode } from './recording-policy.entity';
import type { Recording } from './recording.entity';
import { RECORDING_STATUSES, type RecordingStatus } from './recording.entity';

export class ListRecordingsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() callId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) conferenceId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() queueId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() campaignId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) agentId?: string;
  @ApiPropertyOptional({ enum: RECORDING_STATUSES }) @IsOptional() @IsIn(RECORDING_STATUSES) status?: RecordingStatus;
  @ApiPropertyOptional({ format: 'date-time', description: 'Started at or after' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Started before' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

export class AccessLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() recordingId?: string;
}

export class StartRecordingDto {
  @ApiPropertyOptional({ description: 'Ask Sinch for a transcript (transcriptionOptions.enabled)' })
  @IsOptional()
  @IsBoolean()
  transcribe?: boolean;

  @ApiPropertyOptional({ example: 'en-US' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'locale must be a language tag such as en-US' })
  locale?: string;
}

export class LegalHoldDto {
  @ApiProperty() @IsBoolean() hold!: boolean;
}

export class PolicyParamsDto {
  @ApiProperty({ enum: POLICY_TARGETS }) @IsIn(POLICY_TARGETS) targetType!: PolicyTargetType;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) targetId!: string;
}

export class PutPolicyDto {
  @ApiProperty({ enum: RECORDING_MODES }) @IsIn(RECORDING_MODES) mode!: RecordingMode;
  @ApiPropertyOptional({ description: 'consent: the notice played before recording starts' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(600)
  notice?: string;
  @ApiPropertyOptional({ description: 'Days the media is kept (default RECORDINGS_RETENTION_DAYS)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  retentionDays?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() transcribe?: boolean;
  @ApiPropertyOptional({
    default: false,
    description:
      'consent only: the notice ends with "press 9 if you do not want to be recorded" (queues, routes and campaigns ask it; 400 not_supported_for_target on a conference room, see docs/recordings.md)',
  })
  @IsOptional()
  @IsBoolean()
  optOut?: boolean;
}

export interface RecordingResponse {
  id: string;
  callId: string | null;
  sinchCallId: string;
  conferenceId: string | null;
  queueId: string | null;
  campaignId: string | null;
  agentId: string | null;
  segment: number;
  format: string;
  status: RecordingStatus;
  startedAt: string;
  finishedAt: string | null;
  availableAt: string | null;
  durationS: number | null;
  sizeBytes: number | null;
  // Where the file is: `s3://bucket/key` or `file:///...` (never credentials); null once erased.
  location: string | null;
  transcript: { text: string; locale: string | null } | null;
  legalHold: boolean;
  retainUntil: string | null;
  erased: { at: string; by: string | null; reason: string | null } | null;
  createdAt: string;
}

export function toRecordingResponse(r: Recording): RecordingResponse {
  return {
    id: r.id,
    callId: r.callId,
    sinchCallId: r.sinchCallId,
    conferenceId: r.conferenceId,
    queueId: r.queueId,
    campaignId: r.campaignId,
    agentId: r.agentId,
    segment: r.segment,
    format: r.format,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    availableAt: r.availableAt?.toISOString() ?? null,
    durationS: r.durationS === null ? null : Number(r.durationS),
    sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes),
    location: r.location,
    transcript: r.transcriptText === null ? null : { text: r.transcriptText, locale: r.transcriptLocale },
    legalHold: r.legalHold,
    retainUntil: r.retainUntil?.toISOString() ?? null,
    erased: r.erasedAt ? { at: r.erasedAt.toISOString(), by: r.erasedBy, reason: r.eraseReason } : null,
    createdAt: r.createdAt.toISOString(),
  };
}
