import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTACT_STATUSES, type ContactStatus } from 'src/campaigns/campaign-contact.entity';

export class ContactResponse {
  @ApiProperty() id: string;
  @ApiProperty() phone: string;
  @ApiPropertyOptional({ nullable: true }) country: string | null;
  @ApiProperty() timeZone: string;
  @ApiProperty({ enum: ['contact', 'country', 'campaign_default'] }) timeZoneSource: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) attributes: Record<string, unknown>;
  @ApiProperty({ enum: CONTACT_STATUSES }) status: ContactStatus;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, description: 'When pending: the earliest next dial' }) nextAttemptAt: string | null;
  @ApiPropertyOptional({ nullable: true }) lastResult: string | null;
  @ApiPropertyOptional({ nullable: true }) lastCallId: string | null;
  @ApiPropertyOptional({ nullable: true }) lastAttemptAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
