import { canonicalTimeZone } from 'src/common/zoned-time';
import { COUNTRY_ZONE } from './country-time-zones';

export const TIME_ZONE_SOURCES = ['contact', 'country', 'campaign_default'] as const;
export type TimeZoneSource = (typeof TIME_ZONE_SOURCES)[number];

export interface ResolvedTimeZone {
  zone: string;
  source: TimeZoneSource;
}

// Where a contact lives, in this order: the zone given with the contact; the zone of the number's country when
// the country has one; the campaign's default zone (countries spanning several offsets such as US, CA, MX, BR,
// AU, RU, ID, and numbers with no country). The source is kept so a default zone can be re-applied when the
// campaign's default changes, and so an operator can see which contacts were guessed.
export function resolveTimeZone(input: { explicit?: string; country?: string; campaignDefault: string }): ResolvedTimeZone | undefined {
  if (input.explicit !== undefined) {
    const zone = canonicalTimeZone(input.explicit);
    return zone ? { zone, source: 'contact' } : undefined;
  }
  const countryZone = input.country ? COUNTRY_ZONE[input.country] : undefined;
  if (countryZone) return { zone: countryZone, source: 'country' };
  return { zone: input.campaignDefault, source: 'campaign_default' };
}
