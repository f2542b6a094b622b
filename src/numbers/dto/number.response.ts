import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NumberStatus } from 'src/numbers/phone-number.entity';
import type { NumberRouting } from 'src/numbers/routing/number-routes';

export class NumberResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '+15550100001' }) number: string;
  @ApiPropertyOptional({ nullable: true, example: 'US' }) country: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Fixed' }) numberType: string | null;
  @ApiProperty({ example: 'voice' }) capability: string;
  @ApiPropertyOptional({ nullable: true }) applicationKey: string | null;
  @ApiProperty({ description: "Assigned to this service's Sinch application" }) assignedHere: boolean;
  @ApiProperty({ enum: ['active', 'released'] }) status: NumberStatus;
  @ApiPropertyOptional({
    nullable: true,
    description: '{ route, businessHours?, afterHours? }; null: the default answer',
    type: 'object',
    additionalProperties: true,
  })
  routing: NumberRouting | null;
  @ApiPropertyOptional({ nullable: true, example: 'released', description: 'Why the route does not run although it is set' })
  routeDisabledReason: string | null;
  @ApiProperty({ type: [String], example: ['sales'] }) pools: string[];
  @ApiProperty() firstSeenAt: string;
  @ApiProperty() lastSeenAt: string;
  @ApiPropertyOptional({ nullable: true }) releasedAt: string | null;
  @ApiProperty() updatedAt: string;
}
