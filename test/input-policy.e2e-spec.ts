import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { postCallback } from './callbacks-kit';
import { campaignBody, createCampaign, importCsv } from './campaign-fixtures';
import { createTestApp, TestApp, TestResponse } from './test-app';

// The input policy (README "Input policy"): every malformed request is a 4xx in the documented error shape, naming
// the field, and Fastify's own errors answer in that shape too.

const ZERO = '00000000-0000-4000-8000-000000000000';

function expectErrorShape(res: TestResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(
    expect.objectContaining({ statusCode: status, error: expect.any(String), code: expect.stringMatching(/^[a-z0-9_]+$/), message: expect.any(String) }),
  );
  expect(Object.keys(res.body).every((key) => ['statusCode', 'error', 'code', 'message', 'details', 'requestId'].includes(key))).toBe(true);
}

function expectField(res: TestResponse, field: string, rule?: string): void {
  expectErrorShape(res, 400);
  expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]));
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('input policy (e2e)', () => {
  let t: TestApp;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp();
    campaignId = (await createCampaign(t)).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe("Fastify's own errors answer in the documented shape", () => {
    it('a URL with bad percent-encoding is a 400', async () => {
      expectErrorShape(await t.request('GET', '/api/v1/campaigns/%E0%A4%A'), 400);
      expectErrorShape(await t.request('GET', '/api/v1/campaigns/%zz'), 400);
    });

    it('an over-long id is a 400 naming it, an absurdly long one a 414', async () => {
      expectField(await t.request('GET', `/api/v1/campaigns/${'a'.repeat(150)}`), 'id', 'isUuid');
      expectErrorShape(await t.request('GET', `/api/v1/campaigns/${'a'.repeat(5000)}`), 414);
      expectErrorShape(await t.request('DELETE', `/api/v1/dnc/${'%41'.repeat(2000)}`), 414);
    });

    it('invalid JSON is a 400, an empty JSON body a 400, a body over the limit a 413', async () => {
      expectErrorShape(await t.request('POST', '/api/v1/campaigns', { body: '{"name":' }), 400);
      expectErrorShape(await t.request('POST', '/api/v1/campaigns', { body: '', headers: { 'content-type': 'application/json' } }), 400);
      expectErrorShape(await t.request('POST', '/api/v1/campaigns', { body: JSON.stringify({ name: 'x'.repeat(1_100_000) }) }), 413);
    });

    it('a media type no route takes is a 415', async () => {
      expectErrorShape(await t.request('POST', '/api/v1/campaigns', { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
      expectErrorShape(await t.request('POST', '/api/v1/dnc', { body: '<x/>', headers: { 'content-type': 'application/xml' } }), 415);
    });

    it('an unknown route is a 404', async () => {
      expectErrorShape(await t.request('GET', '/api/v1/no-such-thing'), 404);
    });
  });

  describe('JSON depth is capped before parsing', () => {
    it('refuses a deeply nested body on the admin API, naming the body', async () => {
      expectField(await t.request('POST', '/api/v1/campaigns', { body: `{"name":${nested(10_000)}}` }), 'body', 'maxDepth');
      expectField(await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: nested(33) }), 'body', 'maxDepth');
    });

    it('accepts nesting up to the cap (and then judges the content)', async () => {
      expectField(await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: { name: JSON.parse(nested(20)) } }), 'name');
    });

    it('refuses a deeply nested webhook body, signed or not, without storing anything', async () => {
      const body = `{"event":"ice","callid":${nested(5000)}}`;
      expectErrorShape(await postCallback(t, body), 400);
      expectErrorShape(await postCallback(t, body, { unsigned: true }), 400);
    });

    it('still verifies webhook signatures over the exact bytes (whitespace included)', async () => {
      // A signed body that is valid JSON but not a known event: the signature is accepted (not 401), the event judged.
      const signed = await postCallback(t, '{ "event" : "nonsense" ,  "callid": "x" }');
      expect(signed.status).not.toBe(401);
      const tampered = await postCallback(t, '{"event":"nonsense","callid":"x"}', { sendBody: '{"event":"nonsense","callid":"y"}' });
      expectErrorShape(tampered, 401);
      expect((await t.request('POST', WEBHOOK_PATH, { key: null, body: { event: 'ice' } })).status).toBe(401);
    });
  });

  describe('text/csv serves the contacts import only', () => {
    it('answers a CSV body on a JSON route with 415', async () => {
      const res = await t.request('POST', '/api/v1/campaigns', { body: 'name\nx\n', headers: { 'content-type': 'text/csv' } });
      expectErrorShape(res, 415);
      expect(res.body.message).toMatch(/text\/csv/);
      expectErrorShape(await t.request('POST', '/api/v1/dnc', { body: 'phone\n+14045005001\n', headers: { 'content-type': 'text/csv' } }), 415);
      expectErrorShape(await t.request('POST', WEBHOOK_PATH, { key: null, body: 'a,b\n', headers: { 'content-type': 'text/csv' } }), 415);
    });

    it('rejects a CSV row whose cell has a control character, naming its line, and imports the rest', async () => {
      const res = await importCsv(t, campaignId, 'phone,firstName\n+14045005011,A\u0000nn\n+14045005012,Bob\n');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ inserted: 1, rejected: 1 });
      expect(res.body.errors[0]).toMatchObject({ field: 'attributes', reason: expect.stringMatching(/control characters/) });
    });

    it('still imports CSV on the import route', async () => {
      const res = await importCsv(t, campaignId, 'phone,firstName\n+14045005001,Ann\n');
      expect(res.status).toBe(200);
      expect(res.body.inserted).toBe(1);
    });
  });

  describe('pagination cursors', () => {
    const forge = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

    it.each([
      ['garbage', 'not-a-cursor'],
      ['truncated', forge(`2025-01-01T00:00:00.000Z|${ZERO}`).slice(0, 30)],
      ['an id that is not a uuid', forge('2025-01-01T00:00:00.000Z|------------------------------------')],
      ['a date out of range', forge(`-271821-04-20T00:00:00.000Z|${ZERO}`)],
      ['a date that does not exist', forge(`2025-02-30T00:00:00.000Z|${ZERO}`)],
      ['a third part', forge(`2025-01-01T00:00:00.000Z|${ZERO}|x`)],
      ['characters outside base64url', 'abc$def'],
    ])('refuses %s with a 400 naming cursor', async (_name, cursor) => {
      for (const path of [
        '/api/v1/campaigns',
        `/api/v1/campaigns/${campaignId}/contacts`,
        '/api/v1/dnc',
        '/api/v1/dnc/audit',
        '/api/v1/calls',
        '/api/v1/api-keys',
      ]) {
        expectField(await t.request('GET', `${path}?cursor=${encodeURIComponent(cursor)}`), 'cursor');
      }
    });

    it('accepts a cursor the API returned', async () => {
      await createCampaign(t, { name: 'second' });
      const first = await t.request('GET', '/api/v1/campaigns?limit=1');
      expect(first.status).toBe(200);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect((await t.request('GET', `/api/v1/campaigns?limit=1&cursor=${first.body.nextCursor}`)).status).toBe(200);
    });
  });

  describe('nested objects must be objects', () => {
    it.each([
      ['callingWindow', [{ days: [1], start: '09:00', end: '17:00' }]],
      ['callingWindow', []],
      ['pacing', [{ callsPerSecond: 1, maxConcurrent: 1 }]],
      ['message', [{ type: 'tts', text: 'hi' }]],
    ])('an array for %s is a 400 naming it', async (field, value) => {
      expectField(await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ [field]: value }) }), field, 'isObject');
      expectField(await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: { [field]: value } }), field, 'isObject');
    });

    it('an array or a scalar for the whole body is a 400', async () => {
      expectField(await t.request('POST', '/api/v1/campaigns', { body: [campaignBody()] }), 'body', 'isObject');
      expectField(await t.request('POST', '/api/v1/campaigns', { body: '"text"' }), 'body', 'isObject');
      expectErrorShape(await t.request('POST', `/api/v1/campaigns/${campaignId}/contacts`, { body: [{ phone: '+14045005002' }] }), 400);
    });
  });

  describe('a route that takes no body refuses one', () => {
    it.each([[[]], [{ url: 'http://example.com' }], ['"text"'], ['null']])('%p is a 400 naming the body, and changes nothing', async (body) => {
      expectField(await t.request('PUT', '/api/v1/numbers/callback-url', { body }), 'body', 'noBody');
    });

    it('no body, or an empty object, is taken', async () => {
      expect((await t.request('PUT', '/api/v1/numbers/callback-url')).status).toBe(200);
      expect((await t.request('PUT', '/api/v1/numbers/callback-url', { body: {} })).status).toBe(200);
      // Many clients send `content-type: application/json` with no body at all: the same as no body.
      expect((await t.request('PUT', '/api/v1/numbers/callback-url', { headers: { 'content-type': 'application/json' } })).status).toBe(200);
      expectField(await t.request('POST', '/api/v1/campaigns', { headers: { 'content-type': 'application/json' } }), 'name', 'isString');
    });
  });

  describe('null in an optional field is a 400 unless the field is documented nullable', () => {
    it.each([['locale'], ['answeringMachine'], ['retryPolicy']])('null %s on create is a 400 naming it', async (field) => {
      expectField(await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ [field]: null }) }), field, 'notNull');
    });

    it('null for a field made optional by PATCH is a 400 naming it', async () => {
      expectField(await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: { name: null } }), 'name', 'notNull');
      expectField(await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: { pacing: null } }), 'pacing', 'notNull');
    });

    it('null in a nested optional field is a 400 with its path', async () => {
      const res = await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ retryPolicy: { busy: null } }) });
      expectField(res, 'retryPolicy.busy', 'notNull');
    });

    it('null clears a documented nullable field', async () => {
      const res = await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: { spendCap: { amount: '10', currency: 'USD' }, startAt: null } });
      expect(res.status).toBe(200);
      const cleared = await t.request('PATCH', `/api/v1/campaigns/${campaignId}`, { body: { spendCap: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body.spendCap ?? null).toBeNull();
    });

    it('null for a required field is a 400 naming it', async () => {
      expectField(await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ name: null }) }), 'name');
    });
  });

  describe('control characters and unpaired surrogates', () => {
    it.each([
      ['NUL', 'a\u0000b'],
      ['a bell', 'a\u0007b'],
      ['escape', '\u001b[31mred'],
      ['DEL', 'a\u007fb'],
      ['a C1 control', 'a\u0085b'],
      ['a lone high surrogate', 'a\ud800b'],
      ['a lone low surrogate', 'a\udc00b'],
    ])('refuses %s in a top-level, nested, array and key position', async (_name, bad) => {
      expectField(await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ name: bad }) }), 'name', 'noControlCharacters');
      expectField(
        await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ message: { type: 'tts', text: bad } }) }),
        'message.text',
        'noControlCharacters',
      );
      expectField(
        await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ callerIds: ['+14045001000', bad] }) }),
        'callerIds[1]',
        'noControlCharacters',
      );
      expectField(
        await t.request('POST', `/api/v1/campaigns/${campaignId}/contacts`, { body: { contacts: [{ phone: '+14045005003', attributes: { [bad]: 'x' } }] } }),
        'contacts[0].attributes',
        'noControlCharacters',
      );
      expectField(
        await t.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination: '+14045005004', text: bad } }),
        'text',
        'noControlCharacters',
      );
      // A lone surrogate cannot be percent-encoded as UTF-8; control characters can.
      if (!/[\ud800-\udfff]/.test(bad)) {
        expectField(await t.request('GET', `/api/v1/dnc/check?phone=${encodeURIComponent(bad)}`), 'phone', 'noControlCharacters');
      }
    });

    it('accepts tab, newline and carriage return, and paired surrogates (emoji)', async () => {
      const res = await t.request('POST', '/api/v1/campaigns', {
        body: campaignBody({ name: 'Line one\r\n\tLine two 📞', message: { type: 'tts', text: 'Hello,\nplease call back 😀' } }),
      });
      expect(res.status).toBe(201);
      expect(res.body.name).toBe('Line one\r\n\tLine two 📞');
    });
  });

  describe('security headers', () => {
    it('every API answer carries nosniff and no-store, errors included', async () => {
      for (const res of [
        await t.request('GET', '/api/v1/campaigns'),
        await t.request('GET', '/api/v1/campaigns', { key: null }),
        await t.request('POST', '/api/v1/campaigns', { body: '{' }),
        await t.request('GET', '/health'),
      ]) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      }
      // Fastify answers a URL it cannot route before any hook runs: the headers are set with the error.
      for (const res of [await t.request('GET', '/api/v1/campaigns/%zz'), await t.request('GET', `/api/v1/calls/${'a'.repeat(5000)}`)]) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      }
    });

    it('the answer carrying a new API key is no-store', async () => {
      const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'headers test', role: 'reporting' } });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('/docs loads under the CSP: its scripts and styles come from this origin and are served', async () => {
      const page = await fetch(`${t.url}/docs`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)=["']([^"']+\.(?:js|css))["']/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThanOrEqual(3);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^https?:/); // same origin, allowed by 'self'
        const res = await fetch(new URL(asset, `${t.url}/docs`));
        expect(res.status).toBe(200);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
      }
      expect(html).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script, which script-src 'self' would block
      const spec = await fetch(`${t.url}/docs-json`);
      expect(spec.status).toBe(200);
      expect(((await spec.json()) as { paths: object }).paths).toHaveProperty(['/api/v1/campaigns']);
    });
  });
});
