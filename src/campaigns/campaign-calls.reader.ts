import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

// The campaign feature's reads of the call log (spend, for the cap). Read-only: call rows are written by
// CallsService alone. Kept in one file so the coupling to the calls table is visible in one place.
@Injectable()
export class CampaignCallsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // DiCE debits of the campaign's calls in one currency, as an exact decimal string.
  async spend(campaignId: string, currency: string, manager?: EntityManager): Promise<string> {
    const rows: { spent: string }[] = await (manager ?? this.dataSource).query(
      'SELECT coalesce(sum(debit_amount), 0)::text AS spent FROM calls WHERE campaign_id = $1 AND debit_currency = $2',
      [campaignId, currency],
    );
    return rows[0]?.spent ?? '0';
  }
}
