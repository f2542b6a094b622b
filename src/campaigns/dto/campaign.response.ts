import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Campaign, CampaignMessage, CampaignStatus, MachineAction } from 'src/campaigns/campaign.entity';
import type { Dialing } from 'src/campaigns/dialer/dial-mode';
import type { CallingWindow } from 'src/campaigns/scheduling/calling-window';
import type { RetryPolicy, RetryRule } from 'src/campaigns/scheduling/retry-policy';

export class CampaignResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['draft', 'running', 'paused', 'completed', 'cancelled'] }) status: CampaignStatus;
  @ApiPropertyOptional({ nullable: true, description: 'Why the service paused or completed it' }) statusReason: string | null;
  @ApiProperty({ type: [String] }) callerIds: string[];
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true, description: 'The caller-id pool its calls show numbers of' })
  cli: { pool: string } | null;
  @ApiProperty() locale: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) message: CampaignMessage;
  @ApiProperty({ type: 'object', additionalProperties: true }) answeringMachine: { action: MachineAction; message: string | null };
  @ApiProperty({ type: 'object', additionalProperties: true }) callingWindow: CallingWindow;
  @ApiProperty() defaultTimeZone: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) pacing: { callsPerSecond: number; maxConcurrent: number };
  @ApiProperty({ type: 'object', additionalProperties: true })
  retryPolicy: { busy: RetryRule; noAnswer: RetryRule; failed: RetryRule; machine: RetryRule };
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true }) spendCap: { amount: string; currency: string } | null;
  @ApiProperty({ description: "Spent so far in the spend cap's currency (0 without a cap)" }) spent: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Dial mode, queue, abandon cap, connect delay' }) dialing: Dialing;
  @ApiPropertyOptional({ nullable: true }) startAt: string | null;
  @ApiPropertyOptional({ nullable: true }) endAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({ nullable: true }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) finishedAt: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toPolicyResponse(policy: RetryPolicy): CampaignResponse['retryPolicy'] {
  return { busy: policy.busy, noAnswer: policy.no_answer, failed: policy.failed, machine: policy.machine };
}

export function toCampaignResponse(c: Campaign): CampaignResponse {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    statusReason: c.statusReason,
    callerIds: c.callerIds,
    cli: c.callerIdPool === null ? null : { pool: c.callerIdPool },
    locale: c.locale,
    message: c.message,
    answeringMachine: { action: c.machineAction, message: c.machineMessage },
    callingWindow: c.callingWindow,
    defaultTimeZone: c.defaultTimeZone,
    pacing: { callsPerSecond: Number(c.callsPerSecond), maxConcurrent: c.maxConcurrent },
    retryPolicy: toPolicyResponse(c.retryPolicy),
    spendCap: c.spendCapAmount !== null && c.spendCapCurrency !== null ? { amount: trimDecimal(c.spendCapAmount), currency: c.spendCapCurrency } : null,
    spent: trimDecimal(c.spentAmount),
    dialing: c.dialing,
    startAt: iso(c.startAt),
    endAt: iso(c.endAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
  };
}

// numeric(18,6) comes back as "250.000000"; money is shown as Sinch writes it.
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
