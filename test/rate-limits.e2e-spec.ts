import { diceBody, postCallback, uniqueSinchId } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { RedisThrottlerStorage } from 'src/auth/redis-throttler.storage';

// Each test boots its own app (own queue prefix, so its own counters in Redis).
describe('rate limits (e2e)', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('limits a key across all routes, with 429 and Retry-After from the window; other keys are not affected', async () => {
    t = await createTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '6', APP_ROLE: 'api' });
    const app = t;
    const routes = ['/api/v1/calls', '/api/v1/campaigns', '/api/v1/api-keys', '/api/v1/calls?limit=5'];
    for (let i = 0; i < 6; i++) {
      const res = await app.request('GET', routes[i % routes.length]);
      expect(res.status).toBe(200);
    }
    const limited = await app.request('GET', '/api/v1/campaigns');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/6 requests per 60 s/) });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another route, same key: the same window.
    expect((await app.request('GET', '/api/v1/api-keys')).status).toBe(429);
    expect((await app.request('GET', '/api/v1/calls', { key: app.keys.supervisor })).status).toBe(200);
  });

  it('counts a burst of concurrent requests one by one: exactly the limit gets through', async () => {
    t = await createTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '6', APP_ROLE: 'api' });
    const app = t;
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => app.request('GET', '/api/v1/calls?limit=1')))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    // Hits of one key counted in the same turn of the event loop reach Redis as one INCRBY; each still gets its own
    // count, continuing the window's.
    const storage = app.app.get(RedisThrottlerStorage);
    const first = await Promise.all(Array.from({ length: 5 }, () => storage.count('burst-test', 60_000)));
    const next = await Promise.all(Array.from({ length: 3 }, () => storage.count('burst-test', 60_000)));
    expect([...first, ...next].map((c) => c?.hits)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('limits failed authentications per address (429 with Retry-After); known keys keep working', async () => {
    t = await createTestApp({ AUTH_FAILURES_PER_MINUTE: '5', APP_ROLE: 'api' });
    const app = t;
    expect((await app.request('GET', '/api/v1/calls')).status).toBe(200); // the admin key is now cached
    for (let i = 0; i < 5; i++) {
      expect((await app.request('GET', '/api/v1/calls', { key: `cck_guess${i}` })).status).toBe(401);
    }
    const blocked = await app.request('GET', '/api/v1/calls', { key: 'cck_guess-next' });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/failed authentications/) });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A missing key counts as a failure too, and is refused while blocked.
    expect((await app.request('GET', '/api/v1/calls', { key: null })).status).toBe(429);
    // Blocked: guesses no longer reach the database (a new guess is refused before any lookup).
    const apiKeys = app.app.get(ApiKeysService);
    const lookups = jest.spyOn(apiKeys, 'authenticate');
    expect((await app.request('GET', '/api/v1/calls', { key: 'cck_yet-another' })).status).toBe(429);
    expect(lookups).not.toHaveBeenCalled();
    // A key already known is served from the cache: one bad client behind a shared proxy does not lock others out.
    expect((await app.request('GET', '/api/v1/calls')).status).toBe(200);
  });

  it('limits bad webhook signatures per address with 429, and never refuses a valid signature', async () => {
    t = await createTestApp({ AUTH_FAILURES_PER_MINUTE: '3', APP_ROLE: 'api' });
    const app = t;
    for (let i = 0; i < 3; i++) {
      expect((await postCallback(app, diceBody(uniqueSinchId()), { secret: 'd3Jvbmc=' })).status).toBe(401);
    }
    const limited = await postCallback(app, diceBody(uniqueSinchId()), { secret: 'd3Jvbmc=' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await postCallback(app, diceBody(uniqueSinchId()))).status).toBe(200);
  });

  it('never lets junk keys evict a good key from the cache', async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    const apiKeys = t.app.get(ApiKeysService);
    expect(await apiKeys.authenticate(t.keys.reporting)).toMatchObject({ role: 'reporting' });
    // More junk than the cache holds (10,000), straight through the service: over HTTP the failed-auth limit
    // would stop them long before. The clock stands still meanwhile, so only eviction (never the entries' own
    // expiry, however slow the machine) could make the good key leave the cache.
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
    try {
      for (let chunk = 0; chunk < 101; chunk++) {
        const junk = await Promise.all(Array.from({ length: 100 }, (_, i) => apiKeys.authenticate(`cck_junk-${chunk}-${i}`)));
        expect(junk.every((k) => k === null)).toBe(true);
      }
      expect(apiKeys.cached(t.keys.reporting)).toMatchObject({ role: 'reporting' });
      // The oldest junk was forgotten (bounded), the newest is still answered from memory.
      expect(apiKeys.cached('cck_junk-0-0')).toBeUndefined();
      expect(apiKeys.cached('cck_junk-100-99')).toBeNull();
    } finally {
      now.mockRestore();
    }
  });
});
