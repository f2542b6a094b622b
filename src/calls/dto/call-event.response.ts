import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CallEvent } from 'src/calls/call-event.entity';
import { iso } from 'src/calls/dto/call.response';

export class CallEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['ice', 'ace', 'dice', 'pie', 'notify', 'reconciled'] }) kind: string;
  @ApiProperty() receivedAt: string;
  @ApiPropertyOptional({ nullable: true, description: "Sinch's own timestamp" }) eventAt: string | null;
  @ApiProperty({ enum: ['webhook', 'redis', 'reconciler'] }) via: string;
  @ApiProperty({ description: 'The callback body as Sinch sent it' }) payload: Record<string, unknown>;
}

export function toCallEventResponse(e: CallEvent): CallEventResponse {
  return { id: e.id, kind: e.kind, receivedAt: e.receivedAt.toISOString(), eventAt: iso(e.eventAt), via: e.via, payload: e.payload };
}
