// "Is this number blocked for this campaign right now?" as SQL, for the import and the dialer's claim: an active
// entry on the global list or on the campaign's. Two EXISTS so each probe uses its own partial unique index.
export function dncBlocksSql(phone: string, campaignId: string): string {
  const active = '(d.expires_at IS NULL OR d.expires_at > now())';
  return `(EXISTS (SELECT 1 FROM dnc_entries d WHERE d.campaign_id IS NULL AND d.phone = ${phone} AND ${active})
        OR EXISTS (SELECT 1 FROM dnc_entries d WHERE d.campaign_id = ${campaignId} AND d.phone = ${phone} AND ${active}))`;
}
