// Compliance as SQL fragments, for statements that check a whole set of numbers at once inside another feature's
// transaction: the dialer's guards (run in its claim transaction, under the per-number advisory locks) and the
// contact import. They are fragments rather than ComplianceService.check calls because a check per number would be
// one round trip per contact on the dialer's hot path, and would run outside the transaction that holds the locks
// the frequency cap's count relies on. `phone`, `campaignId`, `windowS` and `calls` are SQL expressions (a column
// or a $n parameter), never values.

const ACTIVE = '(d.expires_at IS NULL OR d.expires_at > now())';

// An active entry on the global do-not-call list.
export function dncGlobalSql(phone: string): string {
  return `EXISTS (SELECT 1 FROM dnc_entries d WHERE d.campaign_id IS NULL AND d.phone = ${phone} AND ${ACTIVE})`;
}

// An active entry on the campaign's own list.
export function dncCampaignSql(phone: string, campaignId: string): string {
  return `EXISTS (SELECT 1 FROM dnc_entries d WHERE d.campaign_id = ${campaignId} AND d.phone = ${phone} AND ${ACTIVE})`;
}

// "Is this number blocked for this campaign right now?". Two EXISTS so each probe uses its own partial unique index.
export function dncBlocksSql(phone: string, campaignId: string): string {
  return `(${dncGlobalSql(phone)}\n        OR ${dncCampaignSql(phone, campaignId)})`;
}

// When the frequency cap stops blocking the number: the moment its `calls`-th most recent call in the rolling window
// leaves the window; NULL while fewer calls than the cap were made. Counts every call to the number (any campaign,
// the callouts API), so it reads the `calls` table that the calls module owns; the single-number form goes through
// CallsQueryService.countRecentCallsTo.
export function frequencyCapFreeAtSql(phone: string, windowS: string, calls: string): string {
  return `(SELECT k.created_at + make_interval(secs => ${windowS}) FROM calls k
          WHERE k.to_number = ${phone} AND k.created_at > now() - make_interval(secs => ${windowS})
          ORDER BY k.created_at DESC OFFSET ${calls} - 1 LIMIT 1)`;
}
