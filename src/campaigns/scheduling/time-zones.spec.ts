import { canonicalTimeZone } from 'src/common/zoned-time';
import { COUNTRY_ZONE, MULTI_ZONE_COUNTRIES } from 'src/campaigns/scheduling/country-time-zones';
import { resolveTimeZone } from 'src/campaigns/scheduling/time-zones';

describe('time zone resolution', () => {
  const campaignDefault = 'America/Chicago';

  it("prefers the contact's own zone", () => {
    expect(resolveTimeZone({ explicit: 'america/denver', country: 'US', campaignDefault })).toEqual({ zone: 'America/Denver', source: 'contact' });
  });

  it('refuses an unknown explicit zone rather than guessing', () => {
    expect(resolveTimeZone({ explicit: 'Europe/Atlantis', country: 'SE', campaignDefault })).toBeUndefined();
  });

  it('uses the country when it has one zone', () => {
    expect(resolveTimeZone({ country: 'SE', campaignDefault })).toEqual({ zone: 'Europe/Stockholm', source: 'country' });
    expect(resolveTimeZone({ country: 'GB', campaignDefault })).toEqual({ zone: 'Europe/London', source: 'country' });
    expect(resolveTimeZone({ country: 'ES', campaignDefault })?.zone).toBe('Europe/Madrid');
  });

  it.each(['US', 'CA', 'MX', 'BR', 'AU', 'RU', 'ID'])('uses the campaign default for multi-zone %s', (country) => {
    expect(MULTI_ZONE_COUNTRIES).toHaveProperty(country);
    expect(resolveTimeZone({ country, campaignDefault })).toEqual({ zone: campaignDefault, source: 'campaign_default' });
  });

  it('uses the campaign default for numbers without a country', () => {
    expect(resolveTimeZone({ campaignDefault })).toEqual({ zone: campaignDefault, source: 'campaign_default' });
  });

  it('has a table whose every zone this runtime can evaluate, and no country twice', () => {
    const zones = [...Object.values(COUNTRY_ZONE), ...Object.values(MULTI_ZONE_COUNTRIES).flat()];
    expect(zones.filter((zone) => canonicalTimeZone(zone) === undefined)).toEqual([]);
    expect(Object.keys(COUNTRY_ZONE).filter((c) => c in MULTI_ZONE_COUNTRIES)).toEqual([]);
    expect(Object.keys(COUNTRY_ZONE).length + Object.keys(MULTI_ZONE_COUNTRIES).length).toBeGreaterThan(240);
  });
});
