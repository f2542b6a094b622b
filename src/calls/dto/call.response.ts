import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CALL_DIRECTIONS, CALL_KINDS, CALL_STATES, type Call } from 'src/calls/call.entity';

export class MoneyResponse {
  @ApiProperty({ example: '0.027', description: 'Exact decimal, as a string' })
  amount: string;

  @ApiProperty({ example: 'USD' })
  currency: string;
}

export class CallResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true }) sinchCallId: string | null;
  @ApiProperty({ enum: CALL_DIRECTIONS }) direction: string;
  @ApiProperty({ enum: CALL_KINDS }) kind: string;
  @ApiProperty({ enum: CALL_STATES }) state: string;
  @ApiPropertyOptional({ nullable: true }) fromNumber: string | null;
  @ApiPropertyOptional({ nullable: true }) toNumber: string | null;
  @ApiPropertyOptional({ nullable: true }) country: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'after_hours:message', description: 'Inbound calls: the route our number took' }) inboundRoute: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'ANSWERED' }) result: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'CALLEEHANGUP' }) reason: string | null;
  @ApiPropertyOptional({ nullable: true }) durationS: number | null;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true }) debit: MoneyResponse | null;
  @ApiPropertyOptional({ type: MoneyResponse, nullable: true, description: 'Per-minute rate' }) rate: MoneyResponse | null;
  @ApiPropertyOptional({ nullable: true, enum: ['dice', 'reconciled'] }) finalSource: string | null;
  @ApiPropertyOptional({ nullable: true }) campaignId: string | null;
  @ApiPropertyOptional({ nullable: true }) errorCode: number | null;
  @ApiPropertyOptional({ nullable: true }) errorMessage: string | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) initiatedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) answeredAt: string | null;
  @ApiPropertyOptional({ nullable: true }) endedAt: string | null;
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const money = (amount: string | null, currency: string | null): MoneyResponse | null =>
  amount !== null && currency !== null ? { amount, currency: currency.trim() } : null;

export function toCallResponse(c: Call): CallResponse {
  return {
    id: c.id,
    sinchCallId: c.sinchCallId,
    direction: c.direction,
    kind: c.kind,
    state: c.state,
    fromNumber: c.fromNumber,
    toNumber: c.toNumber,
    country: c.country,
    inboundRoute: c.inboundRoute,
    result: c.result,
    reason: c.reason,
    durationS: c.durationS,
    debit: money(c.debitAmount, c.debitCurrency),
    rate: money(c.rateAmount, c.rateCurrency),
    finalSource: c.finalSource,
    campaignId: c.campaignId,
    errorCode: c.errorCode,
    errorMessage: c.errorMessage,
    createdAt: c.createdAt.toISOString(),
    initiatedAt: iso(c.initiatedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
  };
}
