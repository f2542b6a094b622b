import fc from 'fast-check';
import { DataSource } from 'typeorm';
import type { Role } from 'src/auth/roles';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { postCallback } from './callbacks-kit';
import { campaignBody } from './campaign-fixtures';
import { createTestAppWithOwnDatabase, TestApp, TestResponse } from './test-app';

// Property-based fuzzing of every route in /docs-json and of the webhook with malformed input (README "Input
// policy"): never a 5xx, the documented error shape on every 4xx, nothing stored. Every generated admin request
// carries at least one defect, so any write that succeeds is a hole; a GET may be valid by chance and then must be
// a 2xx with a JSON answer. FUZZ_RUNS sets the budget: 4 × FUZZ_RUNS malformed admin requests spread over the
// operations (at least 8 each), as many single-defect bodies per route with a body, and FUZZ_RUNS webhook bodies
// (npm run bench runs it long).
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
// `npm test` replays one fixed sample, so CI is reproducible; the long mode (FUZZ_RUNS set) explores a new base seed,
// printed at the start, which FUZZ_SEED replays (each operation's property runs on base + its index).
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Math.floor(Math.random() * 2 ** 30) : 20261128;
process.stdout.write(`fuzz: base seed ${SEED} (FUZZ_SEED=${SEED} replays this run)\n`);
const ERROR_KEYS = ['statusCode', 'error', 'code', 'message', 'details', 'requestId'];

type KeyRole = Role | null;

interface Operation {
  method: string;
  path: string; // OpenAPI template, /api/v1/campaigns/{id}
  pathParams: string[];
  query: string[];
  hasBody: boolean;
  roles: Role[]; // from the operation's "Roles: ..." description (foundation.e2e-spec.ts ties it to the guard)
  stream: boolean; // an event stream (text/event-stream)
  validBody?: unknown;
  validPath?: string; // where the valid body is sent, when an unknown id would not do
  nullable: Set<string>;
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

// Valid bodies to mutate in exactly one place, so that only the input policy stands between the request and the
// database. Every route with a body gets one: derived from the OpenAPI schema's examples, enums and defaults
// (validBodyFromSchema), or written here where the schema cannot give a valid one (a campaign needs a message and a
// window, a route needs a queue). The first test checks each is valid: the route answers it with anything but 400.
const HAND_WRITTEN_BODIES: Record<string, unknown> = {
  'post /api/v1/campaigns': campaignBody({ locale: 'en-US', retryPolicy: { busy: { maxAttempts: 2, delayS: 60 } }, callerIds: ['+14045001000'] }),
  'patch /api/v1/campaigns/{id}': { name: 'Renamed', pacing: { callsPerSecond: 2, maxConcurrent: 10 } },
  'post /api/v1/campaigns/{id}/contacts': { contacts: [{ phone: '+14045005002', timeZone: 'America/Denver' }] },
  // (CallerPriorityDto documents priority as optional, but it is required.)
  'patch /api/v1/queues/{id}/callers/{entryId}': { priority: 5 },
  // (move and the pool's PUT get bodies naming a row of ours in beforeAll.)
  'post /api/v1/dnc': { phone: '+14045005001', reason: 'asked' },
  'post /api/v1/callouts': { type: 'tts', destination: '+14045005001', text: 'Hello there' },
  'post /api/v1/callouts/batch': { calls: [{ type: 'tts', destination: '+14045005001', text: 'Hello there' }] },
  'post /api/v1/api-keys': { name: 'fuzz', role: 'reporting' },
  'patch /api/v1/calls/{id}': { say: { text: 'Hello', locale: 'en-US' } },
  'put /api/v1/numbers/{id}/route': { route: { type: 'message', text: 'We are closed.' } },
  'put /api/v1/recordings/policies/{targetType}/{targetId}': { mode: 'on', retentionDays: 30, transcribe: false },
  'put /api/v1/queues/{id}': { name: 'fuzz-queue-renamed', holdPrompt: 'Please hold.', maxWaiting: 10, maxWaitS: 600 },
  'post /api/v1/queues': { name: 'fuzz-queue', holdPrompt: 'Please hold.', maxWaiting: 10, maxWaitS: 600 },
  'post /api/v1/budgets': { name: 'fuzz', scope: 'global', period: 'day', timeZone: 'UTC', currency: 'USD', amount: '100.00', thresholds: [50, 80] },
};
// Bodies a route would act on for real (a call placed, a number bought from Sinch): mutated, never sent as they are.
const NOT_SENT_AS_IS = new Set(['post /api/v1/callouts', 'post /api/v1/callouts/batch', 'post /api/v1/numbers/assign', 'post /api/v1/numbers/unassign']);

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

// A body from the schema: each required field and each optional one with an example, an enum or a default (never
// a nullable one: null there clears, which a mutation could not tell from a defect).
function validBodyFromSchema(schema: Schema, schemas: Record<string, Schema>, depth = 0): unknown {
  if (schema.$ref) return validBodyFromSchema(schemas[schema.$ref.split('/').pop()!], schemas, depth);
  if (schema.allOf?.length === 1) return validBodyFromSchema(schema.allOf[0], schemas, depth);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'array' && schema.items && depth < 4) return [validBodyFromSchema(schema.items, schemas, depth + 1)];
  if (schema.properties && depth < 4) {
    const body: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      const required = schema.required?.includes(name) ?? false;
      if (property.nullable && !required) continue;
      if (!required && property.example === undefined && property.enum === undefined && property.default === undefined) continue;
      const value = validBodyFromSchema(property, schemas, depth + 1);
      if (value !== undefined) body[name] = value;
    }
    return body;
  }
  if (schema.type === 'string') return 'fuzz';
  if (schema.type === 'boolean') return false;
  if (schema.type === 'number' || schema.type === 'integer') return 1;
  return undefined;
}

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

// One defect in an otherwise valid body (or the body itself): a bad string, an array for an object, a null, a huge number, deep nesting.
// A spot under a documented-nullable field is skipped (null there clears it, a valid request).
function mutatedBody(valid: unknown, nullable: Set<string>): fc.Arbitrary<{ text: string; contentType?: string }> {
  const spots = positions(valid).filter((at) => !at.some((k) => typeof k === 'string' && nullable.has(k)));
  const defect = fc.oneof(
    poisonString.map((p) => (old: unknown) => (typeof old === 'string' ? `${old}${p}` : p)),
    fc.constant((old: unknown) => (typeof old === 'object' && old !== null && !Array.isArray(old) ? [old] : { nested: old })),
    fc.constant(() => null),
    fc.constantFrom(1e308, -1e308, 2 ** 64, -0.5).map((n) => () => n),
    fc.integer({ min: 33, max: 200 }).map((depth) => () => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
  );
  return (
    fc
      .tuple(fc.constantFrom(...spots), defect)
      // A JSON null body is no body (routes whose body is optional take it): not a defect at the top.
      .filter(([at, make]) => at.length > 0 || make(valid) !== null)
      .map(([at, make]) => ({ text: JSON.stringify(replaceAt(valid, at, make)), contentType: 'application/json' }))
  );
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

// A path parameter the route accepts (an id no row has): a mutated body then meets the body's validation.
function validParam(name: string): fc.Arbitrary<string> {
  if (name === 'name') return fc.constant('fuzz-pool');
  if (name === 'targetType') return fc.constant('queue');
  return fc.uuid({ version: 4 });
}

function fillPath(op: Operation, values: string[]): string {
  let path = op.path;
  op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, values[i])));
  return path;
}

// A malformed request: bad path parameters, query values and body, in any mix.
function requestFor(op: Operation, bodyKeys: string[]): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...op.pathParams.map(() => badPathParam));
  const query = op.query.length ? fc.dictionary(fc.constantFrom(...op.query, 'unknown'), queryValue, { maxKeys: 4 }) : fc.constant({});
  // A route without a body takes an empty object as no body (NoBodyInterceptor): not a defect there.
  const body = op.method === 'get' ? fc.constant(undefined) : badBody(bodyKeys).filter((b) => op.hasBody || b.text.trim() !== '{}');
  return fc.tuple(params, query, body).map(([values, q, b]) => {
    const path = fillPath(op, values);
    const search = Object.entries(q)
      .map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(String(v))}`)
      .join('&');
    const headers: Record<string, string> = {};
    if (b?.contentType) headers['content-type'] = b.contentType;
    return { method: op.method.toUpperCase(), path: search ? `${path}?${search}` : path, headers, body: b?.text };
  });
}

// A valid request but for one defect in its body: valid path parameters, so only the body's validation answers.
function mutatedRequestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(fc.tuple(...op.pathParams.map(validParam)), mutatedBody(op.validBody, op.nullable)).map(([values, b]) => ({
    method: op.method.toUpperCase(),
    path: op.validPath ?? fillPath(op, values),
    headers: { 'content-type': b.contentType ?? 'application/json' },
    body: b.text,
  }));
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

const ALL_ROLES: Role[] = ['admin', 'supervisor', 'agent', 'reporting'];

// The key a request carries: mostly one whose role the route allows, so the request meets the input policy rather
// than the guard; sometimes a role it refuses, or none.
function keyRoleFor(op: Operation): fc.Arbitrary<KeyRole> {
  const refused = ALL_ROLES.filter((r) => !op.roles.includes(r));
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...op.roles) },
    { weight: 1, arbitrary: refused.length ? fc.constantFrom<KeyRole>(...refused) : fc.constant<KeyRole>(null) },
    { weight: 1, arbitrary: fc.constant<KeyRole>(null) },
  );
}

// Sends a request; an event stream that opens (a valid-by-chance GET) is closed once its headers arrive.
async function send(t: TestApp, request: FuzzRequest, role: KeyRole, stream: boolean): Promise<TestResponse> {
  if (!stream) return t.request(request.method, request.path, { key: role && t.keys[role], body: request.body, headers: request.headers });
  const headers: Record<string, string> = { ...request.headers };
  if (role) headers.authorization = `Bearer ${t.keys[role]}`;
  const abort = new AbortController();
  const response = await fetch(t.url + request.path, { method: request.method, headers, signal: abort.signal });
  if (response.ok) {
    abort.abort();
    return { status: response.status, headers: response.headers, body: {}, text: '' };
  }
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown, text };
}

describe('fuzz: malformed input on every documented route (e2e)', () => {
  let t: TestApp;
  let operations: Operation[];
  let bodyKeys: string[];

  beforeAll(async () => {
    // A database of its own: the seed bodies add rows (a global do-not-call entry) that other suites must not see.
    // Limits raised: a tenth of the requests carry no key, which would soon block this address (rate-limits.e2e-spec.ts
    // tests the limits).
    t = await createTestAppWithOwnDatabase('fuzz', { ADMIN_RATE_LIMIT_PER_MINUTE: '100000', AUTH_FAILURES_PER_MINUTE: '100000' });
    const doc = (await (await fetch(`${t.url}/docs-json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            description?: string;
            parameters?: { in: string; name: string }[];
            requestBody?: { content?: Record<string, { schema?: Schema }> };
            responses?: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >;
      components?: { schemas?: Record<string, Schema> };
    };
    const schemas = doc.components?.schemas ?? {};
    const nullable = new Set(Object.values(schemas).flatMap((s) => Object.entries(s.properties ?? {}).flatMap(([name, p]) => (p.nullable ? [name] : []))));
    // The webhook has a property of its own (signed bodies).
    const adminPaths = Object.entries(doc.paths).filter(([path]) => path !== WEBHOOK_PATH);
    operations = adminPaths.flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => {
          const stated = /^Roles: ([a-z, ]+)/.exec(op.description ?? '')?.[1];
          const schema = op.requestBody?.content?.['application/json']?.schema;
          const key = `${method} ${path}`;
          return {
            method,
            path,
            // From the template: a parameter bound to a DTO (@Param() dto) is not listed in `parameters`.
            pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
            query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
            hasBody: op.requestBody !== undefined,
            // Public routes (health) take any key or none.
            roles: stated ? (stated.split(', ').map((r) => r.trim()) as Role[]) : ALL_ROLES,
            stream: Object.values(op.responses ?? {}).some((r) => r.content?.['text/event-stream'] !== undefined),
            validBody: HAND_WRITTEN_BODIES[key] ?? (schema ? validBodyFromSchema(schema, schemas) : undefined),
            nullable,
          };
        }),
    );
    bodyKeys = [...new Set(Object.values(schemas).flatMap((s) => Object.keys(s.properties ?? {})))];
    // The agent key bound to an agent, so /api/v1/agents/me* answer it (a key bound to none gets 403 there).
    const keys = await t.request('GET', '/api/v1/api-keys?limit=100');
    const agentKey = (keys.body.items as { id: string; name: string }[]).find((k) => k.name === 'test agent');
    const agent = await t.request('POST', '/api/v1/agents', {
      body: { name: 'Fuzz agent', endpointType: 'pstn', endpoint: '+14045005099', apiKeyId: agentKey?.id },
    });
    if (agent.status !== 201) throw new Error(`agent: ${agent.status} ${agent.text}`);
    // Bodies that name a row of ours: a queue to move a caller to, a number of the account for a pool.
    const queue = await t.request('POST', '/api/v1/queues', { body: { name: 'fuzz-target', holdPrompt: 'Please hold.' } });
    if (queue.status !== 201) throw new Error(`queue: ${queue.status} ${queue.text}`);
    await t.request('POST', '/api/v1/numbers/sync');
    const ownedNumber = (await t.request('GET', '/api/v1/numbers?limit=1')).body.items?.[0] as { id: string; number: string } | undefined;
    if (!ownedNumber) throw new Error('no number in the simulated account');
    const owned = ownedNumber.number;
    const bodyOf = (route: string) => operations.find((op) => `${op.method} ${op.path}` === route)!;
    bodyOf('post /api/v1/queues/{id}/callers/{entryId}/move').validBody = { queueId: queue.body.id };
    bodyOf('put /api/v1/numbers/pools/{name}').validBody = { numbers: [owned], excludeFlagged: true };
    // The import judges each row after finding the campaign (a rejected row is reported, not a 400), and in strict
    // mode refuses the whole import with a 400 naming the row: a draft campaign of ours, strict.
    const campaign = await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ name: 'fuzz-import' }) });
    if (campaign.status !== 201) throw new Error(`campaign: ${campaign.status} ${campaign.text}`);
    bodyOf('post /api/v1/campaigns/{id}/contacts').validPath = `/api/v1/campaigns/${campaign.body.id}/contacts?strict=true`;
    // Routes that check part of their body against the row they change (a route's targets, a room's PINs, a queue's
    // settings): sent to a row of ours, so the check is reached.
    const room = await t.request('POST', '/api/v1/conferences', { body: { name: 'fuzz room', sinchConferenceId: 'fuzz-room' } });
    if (room.status !== 201) throw new Error(`room: ${room.status} ${room.text}`);
    bodyOf('patch /api/v1/campaigns/{id}').validPath = `/api/v1/campaigns/${campaign.body.id}`;
    bodyOf('put /api/v1/numbers/{id}/route').validPath = `/api/v1/numbers/${ownedNumber.id}/route`;
    bodyOf('patch /api/v1/conferences/{id}').validPath = `/api/v1/conferences/${room.body.id}`;
    bodyOf('put /api/v1/queues/{id}').validPath = `/api/v1/queues/${queue.body.id}`;
    bodyOf('put /api/v1/agents/{id}').validPath = `/api/v1/agents/${agent.body.id}`;
    // (Replacing the agent keeps its key bound, or /agents/me would answer the agent key 403 from then on.)
    bodyOf('put /api/v1/agents/{id}').validBody = { name: 'Fuzz agent', endpointType: 'pstn', endpoint: '+14045005099', apiKeyId: agentKey?.id };
    bodyOf('put /api/v1/agents/{id}/status').validPath = `/api/v1/agents/${agent.body.id}/status`;
    bodyOf('put /api/v1/recordings/policies/{targetType}/{targetId}').validPath = `/api/v1/recordings/policies/queue/${queue.body.id}`;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reads every route from /docs-json, each with its roles, and the valid body of each route with a body passes validation', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(100);
    expect(bodyKeys).toEqual(expect.arrayContaining(['callingWindow', 'contacts', 'phone']));
    const withBody = operations.filter((op) => op.hasBody);
    expect(withBody.filter((op) => op.validBody === undefined).map((op) => `${op.method} ${op.path}`)).toEqual([]);
    const refused: string[] = [];
    for (const op of withBody) {
      const key = `${op.method} ${op.path}`;
      if (NOT_SENT_AS_IS.has(key)) continue;
      const path =
        op.validPath ??
        fillPath(
          op,
          op.pathParams.map((name) => fc.sample(validParam(name), { numRuns: 1, seed: 1 })[0]),
        );
      const res = await t.request(op.method.toUpperCase(), path, {
        key: t.keys[op.roles[0]],
        body: op.validBody,
        headers: { 'idempotency-key': `fuzz-seed-${key}` },
      });
      // Anything but a validation refusal: created, or the unknown id's 404, or a 409 of the state.
      if (res.status === 400 || res.status === 413 || res.status === 415 || res.status >= 500)
        refused.push(`${key}: ${res.status} ${res.text.slice(0, 300)} for ${JSON.stringify(op.validBody)}`);
    }
    expect(refused).toEqual([]);
  });

  it(
    'answers every malformed admin request on every operation with a 4xx in the documented shape, most of them past the guard, and stores nothing',
    async () => {
      const before = await rowCounts(t);
      // RUNS × 4 malformed requests in all (at least 8 per operation), spread evenly: every operation gets its share.
      const perOperation = Math.max(8, Math.ceil((RUNS * 4) / operations.length));
      const exercised = new Map<string, { sent: number; pastGuard: number; mutated: number }>();
      for (const [index, op] of operations.entries()) {
        const route = `${op.method} ${op.path}`;
        const tally = { sent: 0, pastGuard: 0, mutated: 0 };
        exercised.set(route, tally);
        const malformed = fc.tuple(requestFor(op, bodyKeys), keyRoleFor(op), fc.constant(false));
        // A route with a body also gets as many requests that are its valid body with one defect, sent with a role
        // the route allows.
        const mutated = op.validBody !== undefined ? fc.tuple(mutatedRequestFor(op), fc.constantFrom<KeyRole>(...op.roles), fc.constant(true)) : undefined;
        for (const [part, arbitrary] of [malformed, mutated].entries()) {
          if (!arbitrary) continue;
          await fc.assert(
            fc.asyncProperty(arbitrary, async ([request, role, isMutated]) => {
              tally.sent++;
              const res = await send(t, request, role, op.stream);
              if (res.status !== 401 && res.status !== 403) tally.pastGuard++;
              const label = `${role ?? 'no key'} ${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers)} ${String(request.body).slice(0, 300)}`;
              if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
              if (isMutated) {
                tally.mutated++;
                // One defect in a valid body: the input policy refuses it, before any lookup or write.
                if (res.status !== 400) throw new Error(`${label}: one defect in a valid body answered ${res.status}, not 400: ${res.text.slice(0, 300)}`);
                return expectErrorShape(res, label);
              }
              if (res.status >= 400) return expectErrorShape(res, label);
              if (request.method !== 'GET') throw new Error(`${label}: a request with a defect was accepted (${res.status} ${res.text.slice(0, 300)})`);
              const type = res.headers.get('content-type') ?? '';
              if (!op.stream && !type.startsWith('text/csv') && (typeof res.body !== 'object' || res.body === null))
                throw new Error(`${label}: ${res.status} without a JSON answer`);
            }),
            { numRuns: perOperation, seed: SEED + 2 * index + part },
          );
        }
      }
      expect(await rowCounts(t)).toEqual(before);
      // Every operation of /docs-json was sent requests, most of them got past the guard, and every route with a
      // body had mutated valid bodies.
      const missed = [...exercised].filter(([, n]) => n.sent < perOperation || n.pastGuard < n.sent / 2).map(([route, n]) => `${route} ${JSON.stringify(n)}`);
      expect(missed).toEqual([]);
      expect(operations.filter((op) => op.validBody !== undefined && exercised.get(`${op.method} ${op.path}`)!.mutated === 0).map((op) => op.path)).toEqual([]);
      expect(exercised.size).toBe(operations.length);
      const totals = [...exercised.values()].reduce((a, n) => ({
        sent: a.sent + n.sent,
        pastGuard: a.pastGuard + n.pastGuard,
        mutated: a.mutated + n.mutated,
      }));
      process.stdout.write(`fuzz: ${operations.length} operations, ${JSON.stringify(totals)}\n`);
    },
    // The long mode (npm run bench -- input-fuzz) sends thousands of requests.
    Math.max(60_000, RUNS * 4 * 100),
  );

  it(
    'answers malformed webhook bodies, signed or not, without a 5xx and in the documented shape',
    async () => {
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
    },
    Math.max(60_000, RUNS * 100),
  );
});
