import type { Campaign } from 'src/campaigns/campaign.entity';
import type { CreateCampaignDto } from 'src/campaigns/dto/create-campaign.dto';
import { settingsFromCreate, settingsFromUpdate, type SettingsResult } from './campaign-settings';

const limits = { maxCallsPerSecond: 100, now: new Date('2026-01-01T00:00:00Z') };

function create(overrides: Partial<CreateCampaignDto>): SettingsResult {
  return settingsFromCreate(
    {
      name: 'Reminders',
      callerIds: ['+14045001000'],
      message: { type: 'tts', text: 'Hello' },
      callingWindow: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
      defaultTimeZone: 'America/New_York',
      pacing: { callsPerSecond: 1, maxConcurrent: 5 },
      ...overrides,
    } as CreateCampaignDto,
    limits,
  );
}

const problems = (result: SettingsResult) => (result.ok ? [] : result.problems.map((p) => `${p.field}:${p.rule}`));

describe('campaign caller ids: a list or a pool', () => {
  it('takes a pool instead of a list, and refuses both or neither, naming callerIds', () => {
    const pooled = create({ callerIds: undefined, cli: { pool: 'sales' } });
    expect(pooled.ok && { callerIds: pooled.settings.callerIds, pool: pooled.settings.callerIdPool }).toEqual({ callerIds: [], pool: 'sales' });
    expect(problems(create({ cli: { pool: 'sales' } }))).toEqual(['callerIds:exclusive']);
    expect(problems(create({ callerIds: undefined }))).toEqual(['callerIds:required']);
  });

  it('on update, a pool replaces the list, a list replaces the pool, and cli: null needs a list', () => {
    const listed = create({}) as { ok: true; settings: Campaign };
    const pooled = create({ callerIds: undefined, cli: { pool: 'sales' } }) as { ok: true; settings: Campaign };
    const toPool = settingsFromUpdate(listed.settings, { cli: { pool: 'support' } }, limits);
    expect(toPool.ok && [toPool.settings.callerIds, toPool.settings.callerIdPool]).toEqual([[], 'support']);
    const toList = settingsFromUpdate(pooled.settings, { callerIds: ['+14045001001'] }, limits);
    expect(toList.ok && [toList.settings.callerIds, toList.settings.callerIdPool]).toEqual([['+14045001001'], null]);
    expect(problems(settingsFromUpdate(pooled.settings, { cli: null }, limits))).toEqual(['callerIds:required']);
    const unchanged = settingsFromUpdate(pooled.settings, { name: 'Renamed' }, limits);
    expect(unchanged.ok && unchanged.settings.callerIdPool).toBe('sales');
  });
});
