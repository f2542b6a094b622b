import { setDatabaseAccepting } from './test-env';
import { createTestApp, TestApp } from './test-app';

describe('foundation (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('operations', () => {
    it('GET /health is alive', async () => {
      const res = await t.request('GET', '/health', { key: null });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /health/ready reports Postgres and Redis up', async () => {
      const res = await t.request('GET', '/health/ready', { key: null });
      expect(res.status).toBe(200);
      expect(res.body.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
    });

    it('serves the OpenAPI UI and document', async () => {
      const ui = await t.request('GET', '/docs', { key: null });
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
      const doc = await t.request('GET', '/docs-json', { key: null });
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/api-keys', '/health/ready']));
      expect(Object.keys(doc.body.components.schemas.ErrorResponse.properties)).toEqual(['statusCode', 'error', 'code', 'message', 'details', 'requestId']);
    });

    it("states every admin route's roles (as the guard enforces them), the 400 of every route that takes input, the 404 of every id", async () => {
      const paths = (await t.request('GET', '/docs-json', { key: null })).body.paths as Record<
        string,
        Record<string, { description?: string; parameters?: unknown[]; requestBody?: unknown; responses: object }>
      >;
      const operations = Object.entries(paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, ...op })),
      );
      for (const op of operations.filter((o) => o.route.includes(' /api/v1/'))) {
        expect([op.route, op.description]).toEqual([
          op.route,
          expect.stringMatching(/^Roles: (admin(, (supervisor|agent|reporting))*|agent \(a key bound to an agent\))(\. |$)/),
        ]);
      }
      for (const op of operations.filter((o) => o.parameters?.length || o.requestBody || o.route.includes('{'))) {
        expect([op.route, Object.keys(op.responses)]).toEqual([op.route, expect.arrayContaining(['400'])]);
      }
      for (const op of operations.filter((o) => o.route.includes('/{id}'))) {
        expect([op.route, Object.keys(op.responses)]).toEqual([op.route, expect.arrayContaining(['404'])]);
      }
      const described = (route: string) => operations.find((o) => o.route === route)?.description;
      expect(described('POST /api/v1/api-keys')).toBe('Roles: admin');
      expect(described('GET /api/v1/calls')).toBe('Roles: admin, supervisor, reporting');
      expect(described('POST /api/v1/callouts')).toMatch(/^Roles: admin, supervisor(\. |$)/);
      expect(described('PATCH /api/v1/campaigns/{id}')).toMatch(/^Roles: admin, supervisor(\. |$)/);
      expect(Object.keys(paths['/webhooks/sinch/voice'].post.responses)).toEqual(expect.arrayContaining(['400', '401', '429', '503']));
    });

    it('exposes Prometheus metrics with HTTP durations by route and status', async () => {
      await t.request('GET', '/health', { key: null });
      const res = await t.request('GET', '/metrics', { key: null });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d+/);
      expect(res.text).toContain('process_cpu_seconds_total');
    });

    it('answers an unknown route with a JSON 404', async () => {
      const res = await t.request('GET', '/nope', { key: null });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'not_found' });
    });

    it('echoes a request id', async () => {
      const res = await t.request('GET', '/health', { key: null, headers: { 'x-request-id': 'abc-123' } });
      expect(res.headers.get('x-request-id')).toBe('abc-123');
    });

    it('answers malformed JSON with a 400 in the error shape', async () => {
      const res = await t.request('POST', '/api/v1/api-keys', { body: '{"name":', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'bad_request' });
      expect(res.text).not.toContain(' at ');
    });
  });

  describe('api-keys auth matrix', () => {
    const endpoints = [
      ['POST', '/api/v1/api-keys', { name: 'x', role: 'agent' }],
      ['GET', '/api/v1/api-keys', undefined],
      ['DELETE', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', undefined],
    ] as const;

    it.each(endpoints)('%s %s without a key → 401', async (method, path, body) => {
      const res = await t.request(method, path, { key: null, body });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'api_key_missing' });
    });

    it.each(endpoints)('%s %s with a wrong key → 401', async (method, path, body) => {
      const res = await t.request(method, path, { key: 'cck_not-a-real-key', body });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('api_key_invalid');
    });

    it.each(endpoints)('%s %s with a malformed Authorization header → 401', async (method, path, body) => {
      const res = await t.request(method, path, { key: null, body, headers: { authorization: 'Basic abc' } });
      expect(res.status).toBe(401);
    });

    for (const role of ['supervisor', 'agent', 'reporting'] as const) {
      it.each(endpoints)(`%s %s as ${role} → 403`, async (method, path, body) => {
        const res = await t.request(method, path, { key: t.keys[role], body });
        expect(res.status).toBe(403);
        expect(res.body.message).toContain(role);
      });
    }

    it('admin creates a key (shown once), lists it without the secret, revokes it, and it stops working', async () => {
      const created = await t.request('POST', '/api/v1/api-keys', { body: { name: 'ops dashboard', role: 'reporting' } });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^cck_/);
      expect(created.body).toMatchObject({ name: 'ops dashboard', role: 'reporting', revokedAt: null });

      const list = await t.request('GET', '/api/v1/api-keys?limit=200');
      expect(list.status).toBe(200);
      const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(listed).toMatchObject({ name: 'ops dashboard', keyPrefix: created.body.key.slice(0, 10) });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);

      const forbidden = await t.request('GET', '/api/v1/api-keys', { key: created.body.key });
      expect(forbidden.status).toBe(403);

      const revoked = await t.request('DELETE', `/api/v1/api-keys/${created.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();

      const after = await t.request('GET', '/api/v1/api-keys', { key: created.body.key });
      expect(after.status).toBe(401);
    });

    it('paginates with a cursor', async () => {
      const first = await t.request('GET', '/api/v1/api-keys?limit=2');
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.request('GET', `/api/v1/api-keys?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.status).toBe(200);
      const ids = new Set([...first.body.items, ...second.body.items].map((k: { id: string }) => k.id));
      expect(ids.size).toBe(first.body.items.length + second.body.items.length);
    });
  });

  describe('rate limiting', () => {
    it('answers 429 once a key exceeds its per-minute budget, counted per key', async () => {
      const limited = await createTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '3' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await limited.request('GET', '/api/v1/api-keys')).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        const other = await limited.request('GET', '/api/v1/api-keys', { key: limited.keys.supervisor });
        expect(other.status).toBe(403); // its own budget: not throttled, just not allowed
      } finally {
        await limited.close();
      }
    });
  });

  describe('validation', () => {
    it('an invalid body → 400 with each field and rule', async () => {
      const res = await t.request('POST', '/api/v1/api-keys', { body: { name: '', role: 'boss' } });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'name', rule: 'isLength' }), expect.objectContaining({ field: 'role', rule: 'isIn' })]),
      );
    });

    it('an unknown field → 400 naming it', async () => {
      const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'a', role: 'agent', admin: true } });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'admin', rule: 'unknown_field' })]);
    });

    it('a malformed id → 400 naming the parameter', async () => {
      const res = await t.request('DELETE', '/api/v1/api-keys/not-a-uuid');
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'isUuid' })]);
    });

    it('a bad cursor → 400', async () => {
      const res = await t.request('GET', '/api/v1/api-keys?cursor=bm9wZQ');
      expect(res.status).toBe(400);
    });

    it('an unknown key revoked → 404', async () => {
      const res = await t.request('DELETE', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000');
      expect(res.status).toBe(404);
    });
  });

  describe('schema', () => {
    it('entities and migrations agree (no pending schema change)', async () => {
      const { DataSource } = await import('typeorm');
      const dataSource = t.app.get(DataSource);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });
  });

  describe('readiness with a stopped dependency', () => {
    it('reports Redis down with 503', async () => {
      const broken = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        const res = await broken.request('GET', '/health/ready', { key: null });
        expect(res.status).toBe(503);
        expect(res.body.checks.redis.status).toBe('down');
        expect(res.body.checks.postgres.status).toBe('up');
      } finally {
        await broken.close();
      }
    });

    it('reports Postgres down with 503 when its database stops accepting connections', async () => {
      await setDatabaseAccepting(t.config.database.url, false);
      try {
        const res = await t.request('GET', '/health/ready', { key: null });
        expect(res.status).toBe(503);
        expect(res.body.checks.postgres.status).toBe('down');
        expect(res.body.checks.redis.status).toBe('up');
        // Which dependency, never the driver's words (host, port, database name, error codes).
        expect(res.body).toMatchObject({ status: 'error', down: ['postgres'] });
        expect(res.body.checks.postgres).toEqual({ status: 'down' });
        expect(res.text).not.toMatch(/ECONN|127\.0\.0\.1|5432|cc_test|accept|connection|FATAL|timeout|terminat|pg_/i);
      } finally {
        await setDatabaseAccepting(t.config.database.url, true);
      }
    });
  });
});
