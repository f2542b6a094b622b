import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CampaignStatus } from 'src/campaigns/campaign.entity';
import type { DialStats } from 'src/campaigns/dialer/dial-stats.service';

export class MoneyAmount {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '12.345', description: 'Exact decimal' }) amount: string;
}

export class CampaignStatsResponse {
  @ApiProperty() campaignId: string;
  @ApiProperty() status: CampaignStatus;
  @ApiProperty({ description: 'Contacts by status (pending, in_progress, completed, failed, exhausted, dnc, skipped)' })
  contacts: { total: number; byStatus: Record<string, number> };
  @ApiProperty({ description: 'Settled attempts by outcome (answered, busy, no_answer, failed, machine, opted_out, abandoned, withdrawn)' })
  attempts: { total: number; byOutcome: Record<string, number> };
  @ApiProperty({ description: 'From the call log: all calls of the campaign, by state and by Sinch result; placed = accepted by Sinch' })
  calls: { total: number; placed: number; inFlight: number; byState: Record<string, number>; byResult: Record<string, number> };
  @ApiPropertyOptional({ nullable: true, description: 'Answered / placed calls that ended' }) answerRate: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'Machines / answered calls' }) machineRate: number | null;
  @ApiProperty() optOuts: number;
  @ApiProperty({ type: [MoneyAmount], description: 'Sum of DiCE debits per currency' }) spend: MoneyAmount[];
  @ApiPropertyOptional({ nullable: true, description: 'Mean duration of answered calls, seconds' }) averageTalkTimeS: number | null;
  @ApiProperty({ description: 'Configured rate; calls placed per second over the last minute and over the whole campaign' })
  callsPerSecond: { configured: number; lastMinute: number; overall: number | null };
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description:
      'Progressive / predictive only: dial level and its inputs, callees answered by a person, connected, abandoned, abandon rate (campaign, 30 days), connect delay, agent occupancy, idle between calls',
  })
  dialing: DialStats | null;
}
