import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallsQueryService } from 'src/calls/calls-query.service';

// The campaign's spend in the cap's currency, from the call log's spend by currency.
@Injectable()
export class CampaignCallsReader {
  constructor(private readonly callsQuery: CallsQueryService) {}

  // DiCE debits of the campaign's calls in one currency, as an exact decimal string.
  async spend(campaignId: string, currency: string, manager?: EntityManager): Promise<string> {
    const totals = await this.callsQuery.spendByCurrency({ campaignId }, manager);
    return totals.find((t) => t.currency === currency)?.amount ?? '0';
  }
}
