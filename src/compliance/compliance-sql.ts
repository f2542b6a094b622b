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

// How many calls to the number were asked for after `since` (the frequency cap's count, as
// CallsQueryService.countRecentCallsTo counts it for one number).
export function recentCallsSql(phone: string, since: string): string {
  return `(SELECT count(*)::int FROM calls k WHERE k.to_number = ${phone} AND k.created_at > ${since})`;
}

// A person a campaign call reached and abandoned (answered, no agent within the connect delay: the queue entry of
// that call ended 'no_agent') is not called again for this long, whatever campaign or API would call: Ofcom's
// persistent misuse policy allows a repeat call within 72 hours of an abandoned one only with a live agent
// guaranteed. The campaign's own retry waits as long (ABANDONED_RETRY_MIN_DELAY_S in campaigns/scheduling).
export const RECENT_ABANDON_QUIET_H = 72;

// When the number may be called again after its latest abandon: that abandon's end plus RECENT_ABANDON_QUIET_H;
// NULL when it was not abandoned within that time. Reads the calls to the number (their index on the number and
// the time, with an hour's margin for the ring and the connect delay before the abandon) and their queue entries.
export function recentAbandonUntilSql(phone: string): string {
  return `(SELECT max(e.ended_at) + interval '${RECENT_ABANDON_QUIET_H} hours' FROM calls k JOIN queue_entries e ON e.sinch_call_id = k.sinch_call_id
          WHERE k.to_number = ${phone} AND k.campaign_id IS NOT NULL AND k.created_at > now() - interval '${RECENT_ABANDON_QUIET_H + 1} hours'
            AND e.end_reason = 'no_agent' AND e.ended_at > now() - interval '${RECENT_ABANDON_QUIET_H} hours')`;
}
