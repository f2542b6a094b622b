import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DncAuditAction } from 'src/compliance/dnc-audit.entity';
import type { DncSource } from 'src/compliance/dnc-entry.entity';

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
