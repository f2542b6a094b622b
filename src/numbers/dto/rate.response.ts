import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RateResponse {
  @ApiProperty({ example: '+46701234567' }) number: string;
  @ApiPropertyOptional({ nullable: true, example: 'SE' }) country: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Mobile' }) numberType: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Per minute: { amount (exact decimal string), currency }' }) rate: {
    amount: string;
    currency: string;
  } | null;
  @ApiProperty() fetchedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ description: 'Answered from the cache (no request to Sinch)' }) cached: boolean;
}
