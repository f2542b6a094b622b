import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { IsDialableNumber } from 'src/common/phone-number.validator';
import type { DncAuditAction } from './dnc-audit.entity';
import type { DncSource } from './dnc-entry.entity';

export class AddDncDto {
  @ApiProperty({ example: '+14045005001', description: 'In international format; stored as E.164' })
  @IsDialableNumber()
  @IsString()
  phone: string;

  @ApiPropertyOptional({ description: 'Only this campaign may not call it; leave out for the global list' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ example: 'Asked not to be called (support ticket 4711)' })
  @IsOptional()
  @MaxLength(500)
  @MinLength(1)
  @IsString()
  reason?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'The entry stops blocking calls at this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class ListDncQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'One number (any format)' })
  @IsOptional()
  @IsDialableNumber()
  phone?: string;

  @ApiPropertyOptional({ enum: ['global', 'campaign'], description: 'global: the global list; campaign: campaign lists' })
  @IsOptional()
  @IsIn(['global', 'campaign'])
  scope?: 'global' | 'campaign';

  @ApiPropertyOptional({ description: 'One campaign\'s list' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;
}

export class CheckDncQueryDto {
  @ApiProperty({ example: '+14045005001' })
  @IsDialableNumber()
  @IsString()
  phone: string;

  @ApiPropertyOptional({ description: 'Also check this campaign\'s list' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;
}

export class DncAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsDialableNumber()
  phone?: string;
}

export class DncEntryResponse {
  @ApiProperty() id: string;
  @ApiProperty() phone: string;
  @ApiPropertyOptional({ nullable: true }) campaignId: string | null;
  @ApiProperty({ enum: ['api', 'opt_out', 'import'] }) source: DncSource;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiProperty() addedBy: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) expiresAt: string | null;
  @ApiProperty({ description: 'False once expiresAt has passed' }) active: boolean;
}

export class DncCheckResponse {
  @ApiProperty() phone: string;
  @ApiProperty({ description: 'True when an active entry (global, or the campaign\'s) blocks calls to it' }) blocked: boolean;
  @ApiProperty({ type: [DncEntryResponse] }) entries: DncEntryResponse[];
}

export class DncAuditResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['added', 'updated', 'removed'] }) action: DncAuditAction;
  @ApiProperty() phone: string;
  @ApiPropertyOptional({ nullable: true }) campaignId: string | null;
  @ApiProperty() source: DncSource;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiProperty() actor: string;
  @ApiPropertyOptional({ nullable: true }) expiresAt: string | null;
  @ApiProperty() at: string;
}
