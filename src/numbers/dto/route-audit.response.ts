import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NumberRouting } from 'src/numbers/routing/number-routes';

export class RouteAuditResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() actor: string;
  @ApiProperty({ example: 'route_set' }) change: string;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true }) before: NumberRouting | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true }) after: NumberRouting | null;
  @ApiProperty() at: string;
}
