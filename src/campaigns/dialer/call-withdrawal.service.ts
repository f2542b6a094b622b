import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallsService } from 'src/calls/calls.service';
import type { ContactStatus } from 'src/campaigns/campaign-contact.entity';

interface InFlight {
  contact_id: string;
  campaign_id: string;
  call_id: string;
  attempts: number;
}

// Takes back calls the dialer handed to the callouts jobs that have not been dialled yet: when a campaign is
// paused or cancelled, or a number goes on a do-not-call list. A call whose dial has started runs its course.
//
// It uses the callouts' own exactly-once gate: CallsService.markDialStarted succeeds for exactly one caller, so
// either the callouts worker dials or we withdraw, never both. The withdrawn call is then failed with the reason
// (its dial_attempts shows 1 though nothing reached Sinch), and the attempt is settled as `withdrawn`: the contact
// gets its attempt back.
@Injectable()
export class CallWithdrawal {
  private readonly logger = new Logger('CallWithdrawal');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: CallsService,
  ) {}

  async withdrawCampaign(campaignId: string, reason: string): Promise<number> {
    const rows: InFlight[] = await this.dataSource.query(
      `SELECT id AS contact_id, campaign_id, last_call_id AS call_id, attempts FROM campaign_contacts
       WHERE campaign_id = $1 AND status = 'in_progress' AND last_call_id IS NOT NULL`,
      [campaignId],
    );
    const cancelled = reason === 'campaign cancelled';
    return this.withdrawAll(rows, reason, cancelled ? 'skipped' : 'pending', cancelled ? 'campaign_cancelled' : null);
  }

  // A number put on a do-not-call list: globally (campaignId null) or for one campaign.
  async withdrawNumber(phone: string, campaignId: string | null): Promise<number> {
    const rows: InFlight[] = await this.dataSource.query(
      `SELECT id AS contact_id, campaign_id, last_call_id AS call_id, attempts FROM campaign_contacts
       WHERE status = 'in_progress' AND phone = $1 AND ($2::uuid IS NULL OR campaign_id = $2) AND last_call_id IS NOT NULL`,
      [phone, campaignId],
    );
    return this.withdrawAll(rows, 'number on a do-not-call list', 'dnc', 'dnc');
  }

  private async withdrawAll(rows: InFlight[], reason: string, status: ContactStatus, lastResult: string | null): Promise<number> {
    let withdrawn = 0;
    for (const row of rows) {
      if (await this.withdraw(row, reason, status, lastResult)) withdrawn += 1;
    }
    if (withdrawn > 0) this.logger.log({ withdrawn, of: rows.length, reason }, 'Withdrew queued campaign calls');
    return withdrawn;
  }

  private async withdraw(row: InFlight, reason: string, status: ContactStatus, lastResult: string | null): Promise<boolean> {
    if (!(await this.calls.markDialStarted(row.call_id))) return false;
    await this.calls.markFailed(row.call_id, { errorMessage: `Withdrawn before dialling: ${reason}` });
    await this.dataSource.transaction(async (m) => {
      const settled: unknown[] = await m.query(
        `INSERT INTO campaign_attempts (call_id, campaign_id, contact_id, attempt, outcome, contact_status)
         VALUES ($1, $2, $3, $4, 'withdrawn', $5) ON CONFLICT (call_id) DO NOTHING RETURNING call_id`,
        [row.call_id, row.campaign_id, row.contact_id, row.attempts, status],
      );
      if (settled.length === 0) return;
      await m.query(
        `UPDATE campaign_contacts SET status = $3, attempts = greatest(attempts - 1, 0), next_attempt_at = now(),
           last_result = coalesce($4, last_result), updated_at = now()
         WHERE id = $1 AND last_call_id = $2 AND status = 'in_progress'`,
        [row.contact_id, row.call_id, status, lastResult],
      );
    });
    return true;
  }
}
