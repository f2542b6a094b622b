import { createHash } from 'node:crypto';
import { canonicalJson } from 'src/common/canonical-json';

export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

// RFC draft "The Idempotency-Key HTTP Header Field": a string; we accept 1-255 visible ASCII characters.
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
