import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { postCallback } from './callbacks-kit';
import { campaignBody } from './campaign-fixtures';
import { createTestAppWithOwnDatabase, TestApp, TestResponse } from './test-app';

// Property-based fuzzing of every route in /docs-json and of the webhook with malformed input (README "Input
// policy"): never a 5xx, the documented error shape on every 4xx, nothing stored. Every generated admin request
// carries at least one defect, so any write that succeeds is a hole; a GET may be valid by chance and then must be
// a 2xx with a JSON answer. FUZZ_RUNS sets the number of requests per property (npm run bench runs it long).
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
// `npm test` replays one fixed sample, so CI is reproducible; the long mode (FUZZ_RUNS set) explores new seeds and
// fast-check prints the seed of a failure, which FUZZ_SEED replays.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261128;
const ERROR_KEYS = ['statusCode', 'error', 'code', 'message', 'details', 'requestId'];

interface Operation {
  method: string;
  path: string; // OpenAPI template, /api/v1/campaigns/{id}
  pathParams: string[];
  query: string[];
  hasBody: boolean;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// Strings that break the policy wherever a string is read: control characters and unpaired surrogates.
const BAD_CHARACTERS = ['\u0000', '\u0001', '\u0007', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f', '\ud800', '\udbff', '\udc00', '\udfff'];
const poisonString = fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...BAD_CHARACTERS), fc.string({ maxLength: 6 })).map(([a, bad, b]) => a + bad + b);

const forgedCursor = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 60 }).map((s) => Buffer.from(s).toString('base64url')),
  fc.tuple(fc.date({ noInvalidDate: true }), fc.string({ maxLength: 40 })).map(([d, id]) => Buffer.from(`${d.toISOString()}|${id}`).toString('base64url')),
  fc.tuple(fc.integer({ min: -300_000, max: 300_000 }), fc.uuid()).map(([y, id]) => Buffer.from(`${y}-01-01T00:00:00.000Z|${id}`).toString('base64url')),
  fc.uuid().map((id) => Buffer.from(`2025-01-01T00:00:00.000Z|${id}`).toString('base64url').slice(0, 20)),
);

// Query values: mostly wrong, sometimes right by chance (a GET may then answer 2xx).
const queryValue = fc.oneof(
  poisonString,
  forgedCursor,
  fc.string({ maxLength: 20 }),
  fc.constantFrom('-1', '0', '201', '1e309', '99999999999999999999999', 'NaN', 'true', 'null', '[]', '{}', '%zz', '+14045005001', 'pending'),
  fc.integer().map(String),
  fc.uuid(),
);

// JSON values of every type, huge numbers and nulls included; keys drawn from the documented field names.
function junkJson(keys: string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 }));
  const leaf = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, -0, null, true, false, '', '1e309', '+14045005001', '09:00'),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  }));
  return value;
}

// Puts `poison` somewhere in `value`: at the top, or under a (possibly new) key at some depth.
function plant(value: unknown, poison: unknown, where: number[]): unknown {
  if (where.length === 0 || typeof value !== 'object' || value === null) return { x: poison, ...((typeof value === 'object' && value) || {}) };
  const [step, ...rest] = where;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[step % (copy.length + 1)] = plant(copy[step % (copy.length + 1)], poison, rest);
    return copy;
  }
  const entries = Object.keys(value);
  const key = entries.length > 0 ? entries[step % entries.length] : 'x';
  return { ...value, [key]: plant((value as Record<string, unknown>)[key], poison, rest) };
}

const deepJson = fc
  .integer({ min: 33, max: 20_000 })
  .chain((depth) => fc.constantFrom('[', '{"a":').map((open) => `{"name":${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}}`));

// A body with at least one defect that every route with a body refuses.
function badBody(keys: string[]): fc.Arbitrary<{ text: string; contentType?: string }> {
  const junk = junkJson(keys);
  const json = (value: unknown) => ({ text: JSON.stringify(value), contentType: 'application/json' });
  return fc.oneof(
    fc.tuple(junk, poisonString, fc.array(fc.nat(), { maxLength: 4 })).map(([v, p, where]) => json(plant(v, p, where))),
    fc.tuple(junk, poisonString).map(([v, p]) => json({ ...(typeof v === 'object' && v && !Array.isArray(v) ? v : {}), [p]: 1 })),
    fc.array(junk, { maxLength: 3 }).map(json),
    fc.constantFrom('"text"', '42', 'null', 'true').map((text) => ({ text, contentType: 'application/json' })),
    deepJson.map((text) => ({ text, contentType: 'application/json' })),
    // (An empty body is no body, which routes without one take: input-policy.e2e-spec.ts covers it on the others.)
    fc.constantFrom('{', '{"a":1,}', "{'a':1}", '{"a":1}{', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}').map((text) => ({
      text,
      contentType: 'application/json',
    })),
    fc
      .tuple(
        junk,
        fc.constantFrom(
          'text/csv',
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          undefined,
        ),
      )
      .map(([v, contentType]) => ({ text: contentType === 'text/csv' ? 'phone,name\n+14045005001,x\n' : JSON.stringify(v), contentType })),
  );
}

// Valid bodies for the routes that create something, to mutate in exactly one place: only the input policy stands
// between such a request and the database.
const VALID_BODIES: Record<string, unknown> = {
  'post /api/v1/campaigns': campaignBody({ locale: 'en-US', retryPolicy: { busy: { maxAttempts: 2, delayS: 60 } }, callerIds: ['+14045001000'] }),
  'post /api/v1/dnc': { phone: '+14045005001', reason: 'asked' },
  'post /api/v1/callouts': { type: 'tts', destination: '+14045005001', text: 'Hello there' },
  'post /api/v1/api-keys': { name: 'fuzz', role: 'reporting' },
};

// Every position in a JSON value: [] is the value itself.
function positions(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [at];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...children.flatMap(([k, v]) => positions(v, [...at, k]))];
}

function replaceAt(value: unknown, at: (string | number)[], make: (old: unknown) => unknown): unknown {
  if (at.length === 0) return make(value);
  const [head, ...rest] = at;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head] = replaceAt(copy[head], rest, make);
  return copy;
}

// One defect in an otherwise valid body: a bad string, an array for an object, a null, a huge number, deep nesting.
function mutatedBody(valid: unknown): fc.Arbitrary<{ text: string; contentType?: string }> {
  const spots = positions(valid).filter((at) => at.length > 0);
  const defect = fc.oneof(
    poisonString.map((p) => (old: unknown) => (typeof old === 'string' ? `${old}${p}` : p)),
    fc.constant((old: unknown) => (typeof old === 'object' && old !== null && !Array.isArray(old) ? [old] : { nested: old })),
    fc.constant(() => null),
    fc.constantFrom(1e308, -1e308, 2 ** 64, -0.5).map((n) => () => n),
    fc.integer({ min: 33, max: 200 }).map((depth) => () => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
  );
  return fc
    .tuple(fc.constantFrom(...spots), defect)
    .map(([at, make]) => ({ text: JSON.stringify(replaceAt(valid, at, make)), contentType: 'application/json' }));
}

// Percent-encodes anything, lone surrogates included (as the invalid UTF-8 a hostile client would send).
function encodeLoose(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
}

const badPathParam = fc.oneof(
  poisonString.map(encodeLoose),
  fc.string({ maxLength: 40 }).map(encodeLoose),
  fc.constantFrom('%zz', '%E0%A4%A', '%00', '..', '%2F', 'null', '0', '-1', '00000000-0000-0000-0000-00000000000g'),
  fc.integer({ min: 101, max: 3000 }).map((n) => 'a'.repeat(n)),
  fc.uuid(), // valid but unknown: 404
);

function requestFor(op: Operation, bodyKeys: string[]): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...op.pathParams.map(() => badPathParam));
  const query = op.query.length ? fc.dictionary(fc.constantFrom(...op.query, 'unknown'), queryValue, { maxKeys: 4 }) : fc.constant({});
  const valid = VALID_BODIES[`${op.method} ${op.path}`];
  const body = op.method === 'get' ? fc.constant(undefined) : valid ? fc.oneof(mutatedBody(valid), badBody(bodyKeys)) : badBody(bodyKeys);
  return fc.tuple(params, query, body).map(([values, q, b]) => {
    let path = op.path;
    op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, values[i])));
    const search = Object.entries(q)
      .map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(String(v))}`)
      .join('&');
    const headers: Record<string, string> = {};
    if (b?.contentType) headers['content-type'] = b.contentType;
    return { method: op.method.toUpperCase(), path: search ? `${path}?${search}` : path, headers, body: b?.text };
  });
}

function expectErrorShape(res: TestResponse, label: string): void {
  if (
    typeof res.body !== 'object' ||
    res.body === null ||
    res.body.statusCode !== res.status ||
    typeof res.body.error !== 'string' ||
    typeof res.body.message !== 'string' ||
    typeof res.body.code !== 'string' ||
    !Object.keys(res.body).every((k) => ERROR_KEYS.includes(k))
  ) {
    throw new Error(`${label}: ${res.status} without the documented error shape: ${res.text.slice(0, 300)}`);
  }
}

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const dataSource = t.app.get(DataSource);
  const tables: { table_name: string }[] = await dataSource.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'typeorm_migrations'",
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    counts[table_name] = Number((await dataSource.query(`SELECT count(*)::int AS n FROM "${table_name}"`))[0].n);
  }
  return counts;
}

describe('fuzz: malformed input on every documented route (e2e)', () => {
  let t: TestApp;
  let operations: Operation[];
  let bodyKeys: string[];

  beforeAll(async () => {
    // A database of its own: the seed bodies add rows (a global do-not-call entry) that other suites must not see.
    t = await createTestAppWithOwnDatabase('fuzz', { ADMIN_RATE_LIMIT_PER_MINUTE: '100000' });
    const doc = (await (await fetch(`${t.url}/docs-json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { in: string; name: string }[]; requestBody?: unknown; responses?: Record<string, { content?: Record<string, unknown> }> }
        >
      >;
      components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
    };
    // The webhook has a property of its own (signed bodies).
    const adminPaths = Object.entries(doc.paths).filter(([path]) => path !== WEBHOOK_PATH);
    operations = adminPaths.flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        // An event stream answers a valid-by-chance GET with a stream that never ends: events.e2e-spec.ts tests its input.
        .filter(([, op]) => !Object.values(op.responses ?? {}).some((r) => r.content?.['text/event-stream'] !== undefined))
        .map(([method, op]) => ({
          method,
          path,
          pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          hasBody: op.requestBody !== undefined,
        })),
    );
    bodyKeys = [...new Set(Object.values(doc.components?.schemas ?? {}).flatMap((s) => Object.keys(s.properties ?? {})))];
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reads every route from /docs-json, and the seed bodies are valid', async () => {
    for (const [route, body] of Object.entries(VALID_BODIES)) {
      const [method, path] = route.split(' ');
      expect(operations.some((op) => op.method === method && op.path === path)).toBe(true);
      if (path === '/api/v1/callouts') continue; // a real call would go on writing call events during the fuzz
      const res = await t.request(method.toUpperCase(), path, { body, headers: { 'idempotency-key': `fuzz-seed-${method}${path}` } });
      if (res.status >= 300) throw new Error(`seed body for ${route} answered ${res.status}: ${res.text}`);
    }
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.some((op) => op.path === '/api/v1/campaigns' && op.method === 'post' && op.hasBody)).toBe(true);
    expect(bodyKeys).toEqual(expect.arrayContaining(['callingWindow', 'contacts', 'phone']));
  });

  it('answers every malformed admin request with a 4xx in the documented shape, and stores nothing', async () => {
    const before = await rowCounts(t);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations).chain((op) => requestFor(op, bodyKeys).map((request) => ({ op, request }))),
        fc.constantFrom<'admin' | 'reporting' | null>('admin', 'admin', 'admin', 'reporting', null),
        async ({ op, request }, role) => {
          seen.add(`${op.method} ${op.path}`);
          const res = await t.request(request.method, request.path, { key: role && t.keys[role], body: request.body, headers: request.headers });
          const label = `${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers)} ${String(request.body).slice(0, 200)}`;
          if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
          if (res.status >= 400) return expectErrorShape(res, label);
          if (request.method !== 'GET') throw new Error(`${label}: a request with a defect was accepted (${res.status} ${res.text.slice(0, 300)})`);
          if (typeof res.body !== 'object' || res.body === null) throw new Error(`${label}: ${res.status} without a JSON answer`);
        },
      ),
      { numRuns: RUNS * 4, seed: SEED },
    );
    expect(await rowCounts(t)).toEqual(before);
    expect(seen.size).toBeGreaterThan(operations.length / 2);
  });

  it('answers malformed webhook bodies, signed or not, without a 5xx and in the documented shape', async () => {
    const keys = [
      'event',
      'callid',
      'timestamp',
      'version',
      'custom',
      'applicationKey',
      'result',
      'reason',
      'debit',
      'userRate',
      'to',
      'cli',
      'duration',
      'menuResult',
    ];
    const before = await rowCounts(t);
    await fc.assert(
      fc.asyncProperty(badBody(keys), fc.boolean(), async (body, signed) => {
        const res = signed
          ? await postCallback(t, body.text)
          : await t.request('POST', WEBHOOK_PATH, { key: null, body: body.text, headers: body.contentType ? { 'content-type': body.contentType } : {} });
        const label = `webhook ${signed ? 'signed' : 'unsigned'} ${JSON.stringify(body).slice(0, 300)}`;
        if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status >= 400) return expectErrorShape(res, label);
        if (!signed) throw new Error(`${label}: an unsigned callback was accepted (${res.status})`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Unsigned bodies are never stored; signed ones may be (the callback inbox judges their content).
    const after = await rowCounts(t);
    expect(after.api_keys).toBe(before.api_keys);
    expect(after.campaigns).toBe(before.campaigns);
  });
});
