import { isRecord } from 'src/sinch/json';
import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';

// The `custom` string we send with every callout and Sinch echoes in its callbacks. It carries our call id, so a
// DiCE finds its row even when the process crashed before it stored Sinch's callId. Format: {"cc":"<uuid>"} plus
// an optional small object of the feature's own under "x".

export type CallCustomExtra = Record<string, string | number | boolean>;

export interface CallCustom {
  callId: string;
  extra?: CallCustomExtra;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CallCustomError extends Error {}

export function encodeCallCustom(callId: string, extra?: CallCustomExtra): string {
  if (!UUID.test(callId)) throw new CallCustomError(`call id "${callId}" is not a UUID`);
  const text = JSON.stringify(extra && Object.keys(extra).length > 0 ? { cc: callId, x: extra } : { cc: callId });
  // Sinch rejects a custom over 1024 bytes; better to fail here, before a call is placed.
  if (Buffer.byteLength(text, 'utf8') > SVAML_LIMITS.customBytes) {
    throw new CallCustomError(`custom would be ${Buffer.byteLength(text, 'utf8')} bytes (at most ${SVAML_LIMITS.customBytes})`);
  }
  return text;
}

// undefined for anything that is not ours (another application's custom, free text, a malformed id).
export function decodeCallCustom(custom: string | null | undefined): CallCustom | undefined {
  if (!custom || custom[0] !== '{') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(custom);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { cc, x } = parsed;
  if (typeof cc !== 'string' || !UUID.test(cc)) return undefined;
  const extra = isRecord(x) ? (x as CallCustomExtra) : undefined;
  return extra ? { callId: cc.toLowerCase(), extra } : { callId: cc.toLowerCase() };
}
