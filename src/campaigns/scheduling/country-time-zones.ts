import { multiZone, singleZone } from './country-zone-table.json';

// Country (ISO 3166 alpha-2) -> time zone, generated from the IANA tz database (zone.tab, 2025) and checked by
// time-zones.spec.ts; the data is in country-zone-table.json. Where a country has several zones but one holds nearly
// every phone number (mainland Spain and Portugal, New Zealand without Chatham, Ukraine, Beijing time in China,
// Ecuador, Chile, Papua New Guinea), that one.
export const COUNTRY_ZONE: Readonly<Record<string, string>> = singleZone;

// Countries whose numbers span several UTC offsets: the number alone does not say which, so the contact's own
// timeZone or the campaign's default zone decides.
export const MULTI_ZONE_COUNTRIES: Readonly<Record<string, readonly string[]>> = multiZone;
