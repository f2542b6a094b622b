import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DncSource } from 'src/compliance/dnc-entry.entity';

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
