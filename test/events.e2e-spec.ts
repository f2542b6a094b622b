import { createConnection } from 'node:net';
import Redis from 'ioredis';
import { AdminEvents, eventStreamKey } from 'src/events/admin-events.service';
import { createTestApp, createTestAppOnOwnRedis, TestApp } from './test-app';
import { TEST_REDIS_URL } from './test-env';
import { connect, type SseClient } from './sse-kit';
import { waitFor } from './wait-for';

describe('admin event stream (e2e)', () => {
  let api: TestApp;
  let worker: TestApp;
  let publisher: AdminEvents; // the worker's: another process, sharing only Redis
  const open: SseClient[] = [];

  const stream = async (path: string, key = api.keys.supervisor, headers: Record<string, string> = {}) => {
    const client = await connect(api, path, key, headers);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    api = await createTestApp({ APP_ROLE: 'api' });
    worker = await createTestApp({ APP_ROLE: 'worker', QUEUE_PREFIX: api.config.redis.queuePrefix });
    publisher = worker.app.get(AdminEvents);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('delivers an event published by a worker process to a subscribed client', async () => {
    const client = await stream('/api/v1/events?topics=queues,conferences');
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.headers.get('cache-control')).toBe('no-store');
    expect(client.headers.get('x-request-id')).toBeTruthy();
    expect(client.headers.get('x-content-type-options')).toBe('nosniff'); // helmet's headers survive the hijack
    const ready = await client.next((e) => e.event === 'ready');
    expect(ready.data).toEqual({ topics: ['queues', 'conferences'] });

    await publisher.publish('queues', 'call_waiting', { queueId: 'q1', waiting: 3 });
    const event = await client.next((e) => e.event === 'queues.call_waiting');
    expect(event.data).toEqual({ queueId: 'q1', waiting: 3 });
    expect(event.id).toMatch(/^\d+-\d+$/);
  });

  it('sends only the subscribed topics, in publish order', async () => {
    const client = await stream('/api/v1/events?topics=conferences');
    await client.next((e) => e.event === 'ready');
    await publisher.publish('queues', 'call_waiting', { n: 1 });
    await publisher.publish('conferences', 'joined', { n: 2 });
    await publisher.publish('budgets', 'exceeded', { n: 3 });
    await publisher.publish('conferences', 'left', { n: 4 });
    await client.next((e) => e.event === 'conferences.left');
    expect(client.events.filter((e) => e.event !== 'ready').map((e) => [e.event, e.data.n])).toEqual([
      ['conferences.joined', 2],
      ['conferences.left', 4],
    ]);
  });

  it('serves the queue wallboard alias with the queues and agents topics', async () => {
    const client = await stream('/api/v1/queues/events');
    expect((await client.next((e) => e.event === 'ready')).data).toEqual({ topics: ['queues', 'agents'] });
    await publisher.publish('campaigns', 'started', { n: 1 });
    await publisher.publish('agents', 'available', { n: 2 });
    await publisher.publish('queues', 'call_answered', { n: 3 });
    await client.next((e) => e.event === 'queues.call_answered');
    expect(client.events.filter((e) => e.event !== 'ready').map((e) => e.event)).toEqual(['agents.available', 'queues.call_answered']);
  });

  it('resumes from Last-Event-ID with exactly the missed events', async () => {
    const first = await stream('/api/v1/events?topics=queues,agents');
    await first.next((e) => e.event === 'ready');
    await publisher.publish('queues', 'seen', { n: 1 });
    const seen = await first.next((e) => e.event === 'queues.seen');
    first.close();
    await waitFor(() => first.closed);

    await publisher.publish('queues', 'missed', { n: 2 });
    await publisher.publish('conferences', 'other_topic', { n: 3 });
    await publisher.publish('agents', 'missed', { n: 4 });

    const again = await stream('/api/v1/events?topics=queues,agents', api.keys.supervisor, { 'last-event-id': seen.id! });
    await again.next((e) => e.event === 'agents.missed');
    await publisher.publish('queues', 'live', { n: 5 });
    await again.next((e) => e.event === 'queues.live');
    expect(again.events.map((e) => [e.event, e.data.n])).toEqual([
      ['ready', undefined],
      ['queues.missed', 2],
      ['agents.missed', 4],
      ['queues.live', 5],
    ]);
    expect(again.events[0].data).toEqual({ topics: ['queues', 'agents'], resumedFrom: seen.id });
  });

  it('resumes from the ready event id when the client had no event yet, and from ?lastEventId=', async () => {
    const first = await stream('/api/v1/events?topics=budgets');
    const ready = await first.next((e) => e.event === 'ready');
    expect(ready.id).toMatch(/^\d+-\d+$/);
    first.close();
    await publisher.publish('budgets', 'warning', { n: 1 });
    const again = await stream(`/api/v1/events?topics=budgets&lastEventId=${ready.id}`);
    expect((await again.next((e) => e.event === 'budgets.warning')).data).toEqual({ n: 1 });
  });

  it('sends reset when the history no longer holds everything after Last-Event-ID', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      await publisher.publish('queues', 'old', { n: 1 });
      const key = eventStreamKey(api.config);
      const [[oldId]] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
      await publisher.publish('queues', 'newer', { n: 2 });
      await redis.xtrim(key, 'MAXLEN', 1); // as MAXLEN does once the history is full
      const client = await stream('/api/v1/events?topics=queues', api.keys.supervisor, { 'last-event-id': oldId });
      const reset = await client.next((e) => e.event === 'reset');
      expect(reset.id).toMatch(/^\d+-\d+$/);
      expect(client.events.map((e) => e.event)).toEqual(['reset', 'ready']);
      await publisher.publish('queues', 'after', { n: 3 });
      await client.next((e) => e.event === 'queues.after');
      expect(client.events.some((e) => e.event === 'queues.newer')).toBe(false);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses requests without a valid key (401), and roles outside their topics (403)', async () => {
    const none = await api.request('GET', '/api/v1/events', { key: null });
    expect(none.status).toBe(401);
    const bad = await api.request('GET', '/api/v1/events', { key: 'cc_nope' });
    expect(bad.status).toBe(401);
    // Keys are never taken from the URL.
    const inUrl = await api.request('GET', `/api/v1/events?access_token=${api.keys.admin}`, { key: null });
    expect(inUrl.status).toBe(401);

    const agentAll = await api.request('GET', '/api/v1/events?topics=queues', { key: api.keys.agent });
    expect(agentAll.status).toBe(403);
    expect(agentAll.body.message).toContain('queues');
    expect(agentAll.body.code).toBe('topic_forbidden');
    const agentAlias = await api.request('GET', '/api/v1/queues/events', { key: api.keys.agent });
    expect(agentAlias.status).toBe(403);

    const agent = await stream('/api/v1/events', api.keys.agent);
    expect((await agent.next((e) => e.event === 'ready')).data).toEqual({ topics: ['agents'] });
    const reporting = await stream('/api/v1/events?topics=budgets', api.keys.reporting);
    expect(reporting.status).toBe(200);
  });

  it('answers an unknown topic or a malformed Last-Event-ID with a 400 naming the field', async () => {
    const unknown = await api.request('GET', '/api/v1/events?topics=queues,weather');
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'topics', rule: 'isIn' })]);
    expect(unknown.body.message).toContain('"weather"');
    expect(unknown.body.code).toBe('invalid_topics');

    const badId = await api.request('GET', '/api/v1/events', { headers: { 'last-event-id': 'yesterday' } });
    expect(badId.status).toBe(400);
    expect(badId.body.details).toEqual([expect.objectContaining({ field: 'Last-Event-ID' })]);
    expect(badId.body.code).toBe('invalid_last_event_id');
    const badQueryId = await api.request('GET', '/api/v1/events?lastEventId=1-x');
    expect(badQueryId.status).toBe(400);
    expect(badQueryId.body.details).toEqual([expect.objectContaining({ field: 'lastEventId' })]);

    const repeated = await api.request('GET', '/api/v1/events?topics=queues&topics=agents');
    expect(repeated.status).toBe(400);
    expect(repeated.body.details).toEqual([expect.objectContaining({ field: 'topics' })]);
    const unknownParam = await api.request('GET', '/api/v1/queues/events?topics=queues');
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.details).toEqual([expect.objectContaining({ field: 'topics', rule: 'unknown_field' })]);
  });

  it('forgets a client that disconnects', async () => {
    const metric = async () => Number(/^admin_event_stream_clients (\d+)/m.exec((await api.request('GET', '/metrics', { key: null })).text)?.[1]);
    const client = await stream('/api/v1/events');
    await client.next((e) => e.event === 'ready');
    const before = await metric();
    expect(before).toBeGreaterThanOrEqual(1);
    client.close();
    await waitFor(async () => (await metric()) === before - 1);
  });

  it('documents both routes as text/event-stream', async () => {
    const doc = await api.request('GET', '/docs-json', { key: null });
    for (const path of ['/api/v1/events', '/api/v1/queues/events']) {
      expect(Object.keys(doc.body.paths[path].get.responses['200'].content)).toEqual(['text/event-stream']);
    }
  });

  it('ends open streams on shutdown, so the server closes', async () => {
    const other = await createTestApp({ APP_ROLE: 'api', QUEUE_PREFIX: api.config.redis.queuePrefix });
    const client = await connect(other, '/api/v1/events', other.keys.admin);
    await client.next((e) => e.event === 'ready');
    await other.close();
    await waitFor(() => client.closed);
  });

  it('closes at once though a client holds a connection open without sending a request', async () => {
    const other = await createTestApp({ APP_ROLE: 'api', QUEUE_PREFIX: api.config.redis.queuePrefix });
    const socket = createConnection({ host: '127.0.0.1', port: Number(new URL(other.url).port) });
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const started = Date.now();
    await other.close();
    // Node counts such a socket as busy until its headersTimeout (60 s): the close must not wait for it.
    expect(Date.now() - started).toBeLessThan(5_000);
    await closed;
  });

  it('never throws to the publisher when Redis fails, and counts the failure', async () => {
    const down = await createTestApp({ APP_ROLE: 'worker', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      await expect(down.app.get(AdminEvents).publish('queues', 'lost', { n: 1 })).resolves.toBeUndefined();
      const metrics = await down.request('GET', '/metrics', { key: null });
      expect(metrics.text).toMatch(/admin_events_published_total\{topic="queues",outcome="failed"\} 1/);
    } finally {
      await down.close();
    }
  });
});

// A Redis of the test's own, frozen (SIGSTOP) as a hung Redis behaves: connections open, nothing answers.
describe('admin event stream while Redis hangs (e2e)', () => {
  let t: Awaited<ReturnType<typeof createTestAppOnOwnRedis>>;

  beforeAll(async () => {
    t = await createTestAppOnOwnRedis();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('publishing returns within its deadline without throwing, and the stream carries on once Redis answers', async () => {
    const client = await connect(t, '/api/v1/events?topics=agents', t.keys.admin);
    await client.next((e) => e.event === 'ready');
    const publisher = t.app.get(AdminEvents);

    t.redis.freeze();
    const started = Date.now();
    await expect(publisher.publish('agents', 'lost', { n: 1 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
    const metrics = await t.request('GET', '/metrics', { key: null });
    expect(metrics.text).toMatch(/admin_events_published_total\{topic="agents",outcome="failed"\} 1/);

    t.redis.thaw();
    // The reader's blocked read answers (or is re-made after its deadline); events flow again on the same stream.
    await waitFor(
      async () => {
        await publisher.publish('agents', 'back', { n: 2 });
        return client.events.some((e) => e.event === 'agents.back');
      },
      30_000,
      () => JSON.stringify(client.events),
      1_000,
    );
    expect(client.closed).toBe(false);
    client.close();
  });
});
