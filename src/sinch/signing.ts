import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Sinch "Application signed request": one construction for our REST calls to Sinch and for Sinch's callbacks to us.
// See /work/shared/sinch/README.md (golden vector in signing.spec.ts).

export interface SignableRequest {
  method: string;
  path: string;
  contentType?: string;
  timestamp: string;
  body?: Buffer | string;
}

export interface SinchCredential {
  applicationKey: string;
  applicationSecret: string;
}

// Fixed, documented development credentials: in simulator mode the service signs with them, and the simulator
// accepts them unless it is given others.
export const DEV_CREDENTIAL: SinchCredential = {
  applicationKey: '5151de00-0000-4000-8000-000000000001',
  applicationSecret: 'c2ltdWxhdG9yLXNlY3JldA==',
};

export type VerifyFailure =
  'missing_authorization' | 'malformed_authorization' | 'unknown_key' | 'missing_timestamp' | 'invalid_timestamp' | 'stale_timestamp' | 'bad_signature';

export type VerifyResult = { ok: true; applicationKey: string } | { ok: false; reason: VerifyFailure; message: string };

export interface VerifySignedRequestInput {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  credentials: SinchCredential[];
  now?: Date;
  maxSkewSeconds?: number;
  allowBasic?: boolean;
}

export function contentMd5(body: Buffer | string | undefined): string {
  if (body === undefined || body.length === 0) return '';
  return createHash('md5').update(body).digest('base64');
}

export function stringToSign(req: SignableRequest): string {
  const queryAt = req.path.indexOf('?');
  const path = queryAt === -1 ? req.path : req.path.slice(0, queryAt);
  return [req.method.toUpperCase(), contentMd5(req.body), req.contentType ?? '', `x-timestamp:${req.timestamp}`, path].join('\n');
}

export function signRequest(req: SignableRequest, applicationSecretBase64: string): string {
  return createHmac('sha256', Buffer.from(applicationSecretBase64, 'base64')).update(stringToSign(req), 'utf8').digest('base64');
}

export function applicationAuthorization(applicationKey: string, signature: string): string {
  return `Application ${applicationKey}:${signature}`;
}

export function basicAuthorization(applicationKey: string, applicationSecretBase64: string): string {
  return `Basic ${Buffer.from(`${applicationKey}:${applicationSecretBase64}`, 'utf8').toString('base64')}`;
}

// Hashing both sides first gives equal-length buffers, so neither the content nor the length of the expected
// value leaks through timing.
function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

function header(headers: VerifySignedRequestInput['headers'], name: string): string | string[] | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return headers[key];
  }
  return undefined;
}

function singleHeader(headers: VerifySignedRequestInput['headers'], name: string): string | undefined {
  const value = header(headers, name);
  return Array.isArray(value) ? value[0] : value;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?$/i;

// Sinch sends UTC; a value without a zone is read as UTC, never as local time.
export function parseSinchTimestamp(value: string): Date | undefined {
  if (!ISO_TIMESTAMP.test(value)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const fail = (reason: VerifyFailure, message: string): VerifyResult => ({ ok: false, reason, message });

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function verifyBasic(token: string, credentials: SinchCredential[]): VerifyResult {
  if (!BASE64.test(token) || token.length % 4 !== 0) {
    return fail('malformed_authorization', 'Basic credentials are not valid base64');
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return fail('malformed_authorization', 'Basic credentials must be key:secret');
  const key = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  const candidates = credentials.filter((c) => c.applicationKey.toLowerCase() === key.toLowerCase());
  if (candidates.length === 0) return fail('unknown_key', 'Unknown application key');
  // Every candidate is compared (no early exit) so timing does not reveal which secret matched.
  let matched: SinchCredential | undefined;
  for (const candidate of candidates) {
    if (constantTimeEqual(secret, candidate.applicationSecret) && matched === undefined) matched = candidate;
  }
  return matched ? { ok: true, applicationKey: matched.applicationKey } : fail('bad_signature', 'Basic credentials do not match');
}

export function verifySignedRequest(input: VerifySignedRequestInput): VerifyResult {
  const rawAuthorization = header(input.headers, 'authorization');
  if (Array.isArray(rawAuthorization) && rawAuthorization.length > 1) {
    return fail('malformed_authorization', 'More than one Authorization header');
  }
  const authorization = (Array.isArray(rawAuthorization) ? rawAuthorization[0] : rawAuthorization)?.trim();
  if (!authorization) return fail('missing_authorization', 'Authorization header is missing');

  const space = authorization.indexOf(' ');
  if (space === -1) return fail('malformed_authorization', 'Authorization header has no scheme');
  const scheme = authorization.slice(0, space).toLowerCase();
  const token = authorization.slice(space + 1).trim();

  if (scheme === 'basic') {
    if (!input.allowBasic) return fail('malformed_authorization', 'Basic authorization is not accepted');
    // Basic carries no signature over the timestamp, so x-timestamp adds nothing and is not required.
    return verifyBasic(token, input.credentials);
  }
  if (scheme !== 'application') {
    return fail('malformed_authorization', `Unsupported authorization scheme "${authorization.slice(0, space)}"`);
  }

  const colon = token.indexOf(':');
  if (colon <= 0 || colon === token.length - 1) {
    return fail('malformed_authorization', 'Application authorization must be key:signature');
  }
  const key = token.slice(0, colon);
  const signature = token.slice(colon + 1);
  const candidates = input.credentials.filter((c) => c.applicationKey.toLowerCase() === key.toLowerCase());
  if (candidates.length === 0) return fail('unknown_key', 'Unknown application key');

  const timestamp = singleHeader(input.headers, 'x-timestamp')?.trim();
  if (!timestamp) return fail('missing_timestamp', 'x-timestamp header is missing');
  const signedAt = parseSinchTimestamp(timestamp);
  if (!signedAt) return fail('invalid_timestamp', 'x-timestamp is not an ISO-8601 timestamp');

  const request: SignableRequest = {
    method: input.method,
    path: input.path,
    contentType: singleHeader(input.headers, 'content-type') ?? '',
    timestamp,
    body: input.rawBody,
  };
  // Several credentials may share a key while a secret is rotated: try each, without early exit.
  let matched: SinchCredential | undefined;
  for (const candidate of candidates) {
    const expected = signRequest(request, candidate.applicationSecret);
    if (constantTimeEqual(signature, expected) && matched === undefined) matched = candidate;
  }
  if (!matched) return fail('bad_signature', 'Signature does not match');

  if (input.maxSkewSeconds !== undefined) {
    const now = (input.now ?? new Date()).getTime();
    const skewMs = Math.abs(now - signedAt.getTime());
    if (skewMs > input.maxSkewSeconds * 1000) {
      return fail('stale_timestamp', `x-timestamp is ${Math.round(skewMs / 1000)}s away from now`);
    }
  }
  return { ok: true, applicationKey: matched.applicationKey };
}
