import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NumberStatus } from '../phone-number.entity';
import type { NumberRouting } from '../routing/number-routes';

export class NumberResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '+15550100001' }) number: string;
  @ApiPropertyOptional({ nullable: true, example: 'US' }) country: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Fixed' }) numberType: string | null;
  @ApiProperty({ example: 'voice' }) capability: string;
  @ApiPropertyOptional({ nullable: true }) applicationKey: string | null;
  @ApiProperty({ description: 'Assigned to this service\'s Sinch application' }) assignedHere: boolean;
  @ApiProperty({ enum: ['active', 'released'] }) status: NumberStatus;
  @ApiPropertyOptional({ nullable: true, description: '{ route, businessHours?, afterHours? }; null: the default answer', type: 'object', additionalProperties: true })
  routing: NumberRouting | null;
  @ApiPropertyOptional({ nullable: true, example: 'released', description: 'Why the route does not run although it is set' })
  routeDisabledReason: string | null;
  @ApiProperty({ type: [String], example: ['sales'] }) pools: string[];
  @ApiProperty() firstSeenAt: string;
  @ApiProperty() lastSeenAt: string;
  @ApiPropertyOptional({ nullable: true }) releasedAt: string | null;
  @ApiProperty() updatedAt: string;
}

export class SyncResponse {
  @ApiProperty({ type: [String], description: 'New in Sinch\'s list' }) added: string[];
  @ApiProperty({ type: [String], description: 'Gone from Sinch\'s list: marked released, route disabled, left every pool' }) released: string[];
  @ApiProperty({ type: [String], description: 'Released before, back in Sinch\'s list (the route stays disabled until saved again)' }) returned: string[];
  @ApiProperty({ description: 'Numbers whose application changed: [{ number, from, to }]' }) reassigned: { number: string; from: string | null; to: string | null }[];
  @ApiProperty() unchanged: number;
}

export class CallbackUrlResponse {
  @ApiProperty({ description: 'What Sinch has for this application: { primary?, fallback? }' }) sinch: { primary?: string; fallback?: string };
  @ApiProperty({ example: 'https://cc.example.com/webhooks/sinch/voice' }) expected: string;
  @ApiProperty({ description: 'Sinch\'s primary URL is the expected one' }) matches: boolean;
}

export class RateResponse {
  @ApiProperty({ example: '+46701234567' }) number: string;
  @ApiPropertyOptional({ nullable: true, example: 'SE' }) country: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Mobile' }) numberType: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Per minute: { amount (exact decimal string), currency }' }) rate: { amount: string; currency: string } | null;
  @ApiProperty() fetchedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ description: 'Answered from the cache (no request to Sinch)' }) cached: boolean;
}

export class RouteAuditResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() actor: string;
  @ApiProperty({ example: 'route_set' }) change: string;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true }) before: NumberRouting | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true }) after: NumberRouting | null;
  @ApiProperty() at: string;
}

export class PoolNumberStats {
  @ApiProperty() number: string;
  @ApiProperty({ description: 'Outbound calls with this caller id in the last 7 days' }) calls: number;
  @ApiProperty() answered: number;
  @ApiPropertyOptional({ nullable: true, description: 'answered / calls; null without calls' }) answerRate: number | null;
  @ApiProperty({ description: 'Answer rate far below the pool\'s median (likely marked as spam by carriers)' }) flagged: boolean;
}

export class PoolResponse {
  @ApiProperty({ example: 'sales' }) name: string;
  @ApiProperty() excludeFlagged: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'Median answer rate of the numbers with enough calls' }) medianAnswerRate: number | null;
  @ApiProperty({ type: [PoolNumberStats] }) numbers: PoolNumberStats[];
  @ApiProperty() updatedAt: string;
}

export class PickResponse {
  @ApiProperty({ example: '+14045001000' }) cli: string;
  @ApiProperty({ enum: ['area_code', 'country', 'any'], description: 'How local the pick is' }) match: 'area_code' | 'country' | 'any';
}
