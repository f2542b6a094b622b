import { CallCustomError, encodeCallCustom, type CallCustomExtra } from 'src/calls/call-custom';

// What a campaign call carries in Sinch's `custom` (beside our call id): the campaign and contact, the caller id
// used, and the contact attributes its messages need. The webhook answers ACE and PIE from this plus the cached
// campaign config, with no database round trip while Sinch waits.
export interface CampaignCallTag {
  campaignId: string;
  contactId: string;
  attempt: number;
  cli: string;
  vars: Record<string, string>;
}

const KIND = 'cmp';
const VAR_PREFIX = 'v.';
const SIZING_CALL_ID = '00000000-0000-4000-8000-000000000000';

// Our call ids are all 36 characters, so any one sizes the encoded custom exactly.
function fits(extra: CallCustomExtra): boolean {
  try {
    encodeCallCustom(SIZING_CALL_ID, extra);
    return true;
  } catch (error) {
    if (error instanceof CallCustomError) return false;
    throw error;
  }
}

// Sinch refuses a custom over 1024 bytes (encodeCallCustom checks): attribute values are shortened (longest first) until the whole fits,
// so a long attribute costs its own tail, never the call.
export function tagExtra(tag: CampaignCallTag): CallCustomExtra {
  const vars = { ...tag.vars };
  const build = (): CallCustomExtra => ({
    k: KIND,
    cp: tag.campaignId,
    ct: tag.contactId,
    n: tag.attempt,
    cl: tag.cli,
    ...Object.fromEntries(Object.entries(vars).map(([name, value]) => [VAR_PREFIX + name, value])),
  });
  let extra = build();
  while (!fits(extra)) {
    const [longest] = Object.entries(vars).sort((a, b) => b[1].length - a[1].length);
    if (!longest || longest[1].length === 0) {
      const names = Object.keys(vars);
      if (names.length === 0) break;
      delete vars[names[names.length - 1]];
    } else {
      vars[longest[0]] = [...longest[1]].slice(0, Math.floor([...longest[1]].length / 2)).join('');
    }
    extra = build();
  }
  return extra;
}

export function readTag(extra: CallCustomExtra | undefined): CampaignCallTag | undefined {
  if (!extra || extra.k !== KIND) return undefined;
  const { cp, ct, n, cl } = extra;
  if (typeof cp !== 'string' || typeof ct !== 'string' || typeof n !== 'number' || typeof cl !== 'string') return undefined;
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (key.startsWith(VAR_PREFIX)) vars[key.slice(VAR_PREFIX.length)] = String(value);
  }
  return { campaignId: cp, contactId: ct, attempt: n, cli: cl, vars };
}
