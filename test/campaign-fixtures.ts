import type { TestApp } from './test-app';

// Builders for campaign e2e specs: a valid campaign body with overrides, and the simulator controls they use.

export function campaignBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Reminders',
    callerIds: ['+14045001000', '+14045001001'],
    locale: 'en-US',
    message: { type: 'tts', text: 'Hello {{firstName}}, this is a reminder.' },
    callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
    defaultTimeZone: 'America/New_York',
    pacing: { callsPerSecond: 5, maxConcurrent: 50 },
    ...overrides,
  };
}

export async function createCampaign(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: string; [k: string]: unknown }> {
  const res = await t.request('POST', '/api/v1/campaigns', { body: campaignBody(overrides) });
  if (res.status !== 201) throw new Error(`create campaign answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function importContacts(t: TestApp, campaignId: string, contacts: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  const res = await t.request('POST', `/api/v1/campaigns/${campaignId}/contacts`, { body: { contacts } });
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${res.text}`);
  return res.body;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function importCsv(t: TestApp, campaignId: string, csv: string, query = ''): Promise<{ status: number; body: any }> {
  return t.request('POST', `/api/v1/campaigns/${campaignId}/contacts${query}`, { body: csv, headers: { 'content-type': 'text/csv' } });
}
