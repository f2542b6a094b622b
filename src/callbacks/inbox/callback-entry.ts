import { createHash } from 'node:crypto';
import { decodeCallCustom } from 'src/calls/call-custom';
import type { LedgerEntry } from 'src/calls/ledger/call-ledger.service';
import { finalStateFor } from 'src/calls/call-state';
import { canonicalJson } from 'src/common/canonical-json';
import { normalizePhoneNumber } from 'src/common/phone-number';
import type { CallbackEvent } from 'src/sinch/callback-events';

// The inbox's unique key: event kind, Sinch call id and a hash of the whole body in canonical JSON (the same event
// re-serialised by a proxy, or re-sent by Sinch with another key order, hashes the same; any change of content, a
// second PIE or another recording, hashes differently). Sinch's x-timestamp header is not part of it, so a
// re-delivery signed at another time is still the same event.
export function dedupeKey(event: CallbackEvent): string {
  const hash = createHash('sha256').update(canonicalJson(event.raw)).digest('base64url').slice(0, 32);
  return `${event.event}:${event.callId ?? '-'}:${hash}`;
}

// Callers that never share a batch: events of one call (by Sinch id and by our id), and identical deliveries.
export function entryKeys(entry: LedgerEntry): string[] {
  const keys = [`k:${entry.dedupeKey}`];
  if (entry.sinchCallId) keys.push(`s:${entry.sinchCallId}`);
  if (entry.ourCallId) keys.push(`c:${entry.ourCallId}`);
  return keys;
}

// The caller's country costs a numbering-plan parse (libphonenumber, the largest single cost of an ICE): callers
// repeat, so the answer is kept per number, in a bounded map that starts afresh when full.
const COUNTRY_CACHE_SIZE = 50_000;
const countries = new Map<string, string | undefined>();

export function callerCountry(number: string): string | undefined {
  if (countries.has(number)) return countries.get(number);
  const country = normalizePhoneNumber(number)?.country;
  if (countries.size >= COUNTRY_CACHE_SIZE) countries.clear();
  countries.set(number, country);
  return country;
}

export function toLedgerEntry(event: CallbackEvent, receivedAt: Date, via: LedgerEntry['via'], needsFollowUp: boolean): LedgerEntry {
  const entry: LedgerEntry = {
    dedupeKey: dedupeKey(event),
    kind: event.event,
    sinchCallId: event.callId,
    ourCallId: decodeCallCustom(event.custom)?.callId,
    eventAt: event.timestamp,
    receivedAt,
    payload: event.raw,
    via,
    needsFollowUp,
  };
  if (event.event === 'ice') {
    const from = event.cli;
    const to = event.to?.endpoint;
    entry.inbound = {
      from,
      to,
      // The caller's country; from/to stay as Sinch sent them (possibly "private" or a SIP URI).
      country: from ? callerCountry(from) : undefined,
      domain: event.domain,
      custom: event.custom,
    };
  }
  if (event.event === 'dice') {
    entry.final = {
      state: finalStateFor(event.result, event.reason),
      result: event.result,
      reason: event.reason,
      durationS: event.duration,
      debit: event.debit,
      rate: event.userRate,
    };
  }
  return entry;
}
