import { campaignBody, createCampaign, importContacts, importCsv } from './campaign-fixtures';
import { createTestApp, TestApp } from './test-app';

const ZERO = '00000000-0000-4000-8000-000000000000';

describe('campaigns API: auth, validation, lifecycle, import, do-not-call (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('auth', () => {
    // [method, path, who may write] — reading is also open to `reporting`; `agent` may do nothing here.
    const endpoints: [string, string, 'read' | 'write'][] = [
      ['POST', '/api/v1/campaigns', 'write'],
      ['GET', '/api/v1/campaigns', 'read'],
      ['GET', `/api/v1/campaigns/${ZERO}`, 'read'],
      ['PATCH', `/api/v1/campaigns/${ZERO}`, 'write'],
      ['POST', `/api/v1/campaigns/${ZERO}/start`, 'write'],
      ['POST', `/api/v1/campaigns/${ZERO}/pause`, 'write'],
      ['POST', `/api/v1/campaigns/${ZERO}/resume`, 'write'],
      ['POST', `/api/v1/campaigns/${ZERO}/cancel`, 'write'],
      ['GET', `/api/v1/campaigns/${ZERO}/stats`, 'read'],
      ['POST', `/api/v1/campaigns/${ZERO}/contacts`, 'write'],
      ['GET', `/api/v1/campaigns/${ZERO}/contacts`, 'read'],
      ['POST', '/api/v1/dnc', 'write'],
      ['DELETE', `/api/v1/dnc/${ZERO}`, 'write'],
      ['GET', '/api/v1/dnc', 'read'],
      ['GET', '/api/v1/dnc/check?phone=%2B14045005001', 'read'],
      ['GET', '/api/v1/dnc/audit', 'read'],
    ];

    it.each(endpoints)('%s %s: 401 without a key, 401 with a wrong one', async (method, path) => {
      expect((await t.request(method, path, { key: null })).status).toBe(401);
      expect((await t.request(method, path, { key: 'cck_not-a-real-key-at-all-000000000' })).status).toBe(401);
    });

    it.each(endpoints)('%s %s: 403 for agent, and for reporting when it writes', async (method, path, kind) => {
      expect((await t.request(method, path, { key: t.keys.agent, body: method === 'GET' ? undefined : {} })).status).toBe(403);
      const reporting = await t.request(method, path, { key: t.keys.reporting, body: method === 'GET' ? undefined : {} });
      if (kind === 'write') expect(reporting.status).toBe(403);
      else expect(reporting.status).not.toBe(403);
    });

    it('lets a supervisor run a campaign and reporting read it', async () => {
      const created = await t.request('POST', '/api/v1/campaigns', { key: t.keys.supervisor, body: campaignBody() });
      expect(created.status).toBe(201);
      expect((await t.request('GET', `/api/v1/campaigns/${created.body.id}/stats`, { key: t.keys.reporting })).status).toBe(200);
    });
  });

  describe('settings validation: 400 naming the field', () => {
    it.each([
      ['a window ending before it starts', { callingWindow: { days: [1], start: '20:00', end: '09:00' } }, 'callingWindow.end', /must be after start/],
      ['a window time that is not HH:MM', { callingWindow: { days: [1], start: '9', end: '17:00' } }, 'callingWindow.start', /HH:MM/],
      ['a weekday out of range', { callingWindow: { days: [0, 8], start: '09:00', end: '17:00' } }, 'callingWindow.days', /1 \(Monday\) to 7/],
      ['an unknown time zone', { defaultTimeZone: 'Mars/Olympus' }, 'defaultTimeZone', /not an IANA time zone/],
      ['negative calls per second', { pacing: { callsPerSecond: -1, maxConcurrent: 5 } }, 'pacing.callsPerSecond', /positive/],
      ['zero concurrent calls', { pacing: { callsPerSecond: 1, maxConcurrent: 0 } }, 'pacing.maxConcurrent', /at least 1/],
      ['a rate over the global limit', { pacing: { callsPerSecond: 5000, maxConcurrent: 5 } }, 'pacing.callsPerSecond', /global limit/],
      ['an invalid caller id', { callerIds: ['+1555'] }, 'callerIds', /valid phone number/],
      ['a TTS message over 600 characters', { message: { type: 'tts', text: 'x'.repeat(601) } }, 'message.text', /600/],
      ['a broken placeholder', { message: { type: 'tts', text: 'Hello {{first name}}' } }, 'message.text', /placeholder/],
      ['an IVR without options', { message: { type: 'ivr', prompt: 'Press 1' } }, 'message.options', /array/],
      [
        'an agent option without a transfer number',
        { message: { type: 'ivr', prompt: 'Press 0', options: [{ digit: '0', action: 'agent' }] } },
        'message.transferNumber',
        /required/,
      ],
      ['a spend cap that is not a decimal string', { spendCap: { amount: 12.5, currency: 'USD' } }, 'spendCap.amount', /decimal string/],
      ['a retry rule with no attempts', { retryPolicy: { busy: { delayS: 60, maxAttempts: 0 } } }, 'retryPolicy.busy.maxAttempts', /not be less than 1/],
      ['a retry rule with a negative delay', { retryPolicy: { busy: { delayS: -1, maxAttempts: 3 } } }, 'retryPolicy.busy.delayS', /not be less than 0/],
      ['an end before the start', { startAt: '2030-01-02T00:00:00Z', endAt: '2030-01-01T00:00:00Z' }, 'endAt', /after startAt/],
      ['an unknown field', { colour: 'red' }, 'colour', /not an allowed field/],
    ])('%s', async (_what, overrides, field, message) => {
      const res = await t.request('POST', '/api/v1/campaigns', { body: campaignBody(overrides) });
      expect(res.status).toBe(400);
      const detail = res.body.details.find((d: { field: string }) => d.field === field || d.field.startsWith(`${field}[`));
      expect(detail).toBeDefined();
      expect(detail.message).toMatch(message);
    });

    it('rejects a malformed id', async () => {
      const res = await t.request('GET', '/api/v1/campaigns/nope');
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('id');
    });
  });

  describe('lifecycle', () => {
    it('moves draft → running ⇄ paused → cancelled, with 409s naming the states', async () => {
      const c = await createCampaign(t, { startAt: '2099-01-01T00:00:00Z' }); // never dials in this spec
      const noContacts = await t.request('POST', `/api/v1/campaigns/${c.id}/start`);
      expect(noContacts.status).toBe(409);
      expect(noContacts.body.message).toMatch(/without contacts/);
      expect(noContacts.body.code).toBe('campaign_has_no_contacts');
      await importContacts(t, c.id, [{ phone: '+14045005001' }]);

      const pauseDraft = await t.request('POST', `/api/v1/campaigns/${c.id}/pause`);
      expect(pauseDraft.status).toBe(409);
      expect(pauseDraft.body.message).toBe('Cannot pause a campaign that is draft: pause needs it to be running');
      expect(pauseDraft.body.code).toBe('invalid_transition');

      const started = await t.request('POST', `/api/v1/campaigns/${c.id}/start`, { headers: { 'idempotency-key': `start-${c.id}` } });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ status: 'running', startedAt: expect.any(String) });
      // The same key answers the first answer; without it, a second start is a conflict.
      const replay = await t.request('POST', `/api/v1/campaigns/${c.id}/start`, { headers: { 'idempotency-key': `start-${c.id}` } });
      expect(replay.status).toBe(200);
      expect(replay.body.status).toBe('running');
      const again = await t.request('POST', `/api/v1/campaigns/${c.id}/start`);
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('Cannot start a campaign that is running: start needs it to be draft');

      const editRunning = await t.request('PATCH', `/api/v1/campaigns/${c.id}`, { body: { name: 'x' } });
      expect(editRunning.status).toBe(409);
      expect(editRunning.body.message).toMatch(/running: settings change only while it is draft or paused/);

      expect((await t.request('POST', `/api/v1/campaigns/${c.id}/pause`)).body.status).toBe('paused');
      expect((await t.request('PATCH', `/api/v1/campaigns/${c.id}`, { body: { name: 'renamed' } })).body.name).toBe('renamed');
      expect((await t.request('POST', `/api/v1/campaigns/${c.id}/resume`)).body.status).toBe('running');
      const cancelled = await t.request('POST', `/api/v1/campaigns/${c.id}/cancel`);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', finishedAt: expect.any(String) });
      const resume = await t.request('POST', `/api/v1/campaigns/${c.id}/resume`);
      expect(resume.status).toBe(409);
      expect(resume.body.message).toBe('Cannot resume a campaign that is cancelled: resume needs it to be paused');
      const contacts = await t.request('GET', `/api/v1/campaigns/${c.id}/contacts`);
      expect(contacts.body.items[0]).toMatchObject({ status: 'skipped', lastResult: 'campaign_cancelled' });
      expect((await t.request('POST', `/api/v1/campaigns/${c.id}/contacts`, { body: { contacts: [{ phone: '+14045005002' }] } })).status).toBe(409);
    });

    it('updates a draft: what a PATCH leaves out stays, null removes it; a list pages', async () => {
      const c = await createCampaign(t, { spendCap: { amount: '25.50', currency: 'USD' }, endAt: '2099-01-01T00:00:00Z' });
      expect(c).toMatchObject({ status: 'draft', spendCap: { amount: '25.5', currency: 'USD' }, spent: '0' });
      const patched = await t.request('PATCH', `/api/v1/campaigns/${c.id}`, { body: { pacing: { callsPerSecond: 2, maxConcurrent: 4 } } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        pacing: { callsPerSecond: 2, maxConcurrent: 4 },
        spendCap: { amount: '25.5', currency: 'USD' },
        endAt: '2099-01-01T00:00:00.000Z',
      });
      const cleared = await t.request('PATCH', `/api/v1/campaigns/${c.id}`, { body: { spendCap: null, endAt: null } });
      expect(cleared.body).toMatchObject({ spendCap: null, endAt: null });
      const invalid = await t.request('PATCH', `/api/v1/campaigns/${c.id}`, { body: { callingWindow: { days: [1], start: '18:00', end: '08:00' } } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.details[0].field).toBe('callingWindow.end');
      const first = await t.request('GET', '/api/v1/campaigns?limit=1', { key: t.keys.reporting });
      const second = await t.request('GET', `/api/v1/campaigns?limit=1&cursor=${first.body.nextCursor}`, { key: t.keys.reporting });
      expect(first.body.items).toHaveLength(1);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      expect((await t.request('GET', '/api/v1/campaigns?status=draft')).body.items.every((i: { status: string }) => i.status === 'draft')).toBe(true);
    });

    it('404s an unknown campaign', async () => {
      expect((await t.request('POST', `/api/v1/campaigns/${ZERO}/start`)).status).toBe(404);
    });
  });

  describe('contact import', () => {
    it('imports JSON and CSV, merging repeats and reporting each rejected row with its line', async () => {
      const c = await createCampaign(t);
      const json = await importContacts(t, c.id, [
        { phone: '+1 404 500 5001', attributes: { firstName: 'Ann' } },
        { phone: 'nope' },
        { phone: '+46701234567', timeZone: 'Mars/Base' },
      ]);
      expect(json).toMatchObject({ rows: 3, inserted: 1, merged: 0, rejected: 2 });
      expect(json.errors).toEqual([
        { index: 1, phone: 'nope', field: 'phone', reason: '"nope" is not a valid phone number' },
        { index: 2, phone: '+46701234567', field: 'timeZone', reason: '"Mars/Base" is not an IANA time zone' },
      ]);

      const csv = await importCsv(
        t,
        c.id,
        'Phone,timeZone,firstName,plan\n+14045005002,,Bob,gold\n"+1 404 500 5001",America/Denver,,silver\nbad,,x,y\n+46701234567,,Åsa\n+14045005002,,Bobby,\n',
      );
      expect(csv.status).toBe(200);
      expect(csv.body).toMatchObject({ rows: 5, inserted: 1, merged: 2, rejected: 2, errorsTruncated: false });
      expect(csv.body.errors).toEqual([
        { line: 4, phone: 'bad', field: 'phone', reason: '"bad" is not a valid phone number' },
        { line: 5, field: 'row', reason: 'the row has 3 fields, the header has 4' },
      ]);
      const contacts = (await t.request('GET', `/api/v1/campaigns/${c.id}/contacts`)).body.items;
      expect(contacts).toEqual([
        expect.objectContaining({
          phone: '+14045005001',
          timeZone: 'America/Denver',
          timeZoneSource: 'contact',
          attributes: { firstName: 'Ann', plan: 'silver' },
          status: 'pending',
        }),
        expect.objectContaining({
          phone: '+14045005002',
          timeZone: 'America/New_York',
          timeZoneSource: 'campaign_default',
          attributes: { firstName: 'Bobby', plan: 'gold' },
        }),
      ]);
      const page = await t.request('GET', `/api/v1/campaigns/${c.id}/contacts?limit=1`);
      const next = await t.request('GET', `/api/v1/campaigns/${c.id}/contacts?limit=1&cursor=${page.body.nextCursor}`);
      expect(next.body.items[0].phone).toBe('+14045005002');
      expect(next.body.nextCursor).toBeNull();
    });

    it.each([
      ['no phone column', 'name,tz\nAnn,UTC\n', /line 1: the header must have a phone column/],
      ['a quote left open', 'phone,firstName\n+14045005001,"Ann\n+14045005002,Bob\n', /Invalid CSV at line \d+/],
      ['an empty body', '', /empty/],
      ['a bad attribute column name', 'phone,first name\n+14045005001,Ann\n', /line 1: column 2 "first name"/],
    ])('refuses a malformed CSV (%s) with a 400 naming the line, importing nothing', async (_what, csv, message) => {
      const c = await createCampaign(t);
      const res = await importCsv(t, c.id, csv);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
      expect((await t.request('GET', `/api/v1/campaigns/${c.id}/contacts`)).body.items).toEqual([]);
    });

    it('in strict mode refuses the whole file when a row is invalid, listing the lines', async () => {
      const c = await createCampaign(t);
      const res = await importCsv(t, c.id, 'phone,timeZone\n+14045005001,\n12345,\n+14045005003,Nowhere/Land\n', '?strict=true');
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('2 of 3 rows were rejected; nothing was imported (strict)');
      expect(res.body.details).toEqual([
        { field: 'line 3', rule: 'phone', message: '"12345" is not a valid phone number' },
        { field: 'line 4', rule: 'timeZone', message: '"Nowhere/Land" is not an IANA time zone' },
      ]);
      expect((await t.request('GET', `/api/v1/campaigns/${c.id}/contacts`)).body.items).toEqual([]);
    });

    it('reads national numbers with defaultCountry, and validates the JSON shape', async () => {
      const c = await createCampaign(t);
      const res = await importCsv(t, c.id, 'phone\n070-123 45 67\n', '?defaultCountry=SE');
      expect(res.body).toMatchObject({ inserted: 1 });
      const bad = await t.request('POST', `/api/v1/campaigns/${c.id}/contacts`, { body: { contacts: [{ phone: 46701234567 }] } });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('contacts[0].phone');
      const empty = await t.request('POST', `/api/v1/campaigns/${c.id}/contacts`, { body: { contacts: [] } });
      expect(empty.status).toBe(400);
    });
  });

  describe('do-not-call lists', () => {
    it('adds, checks, lists, removes and audits; a listed number is imported as dnc', async () => {
      const c = await createCampaign(t);
      const added = await t.request('POST', '/api/v1/dnc', { body: { phone: '+1 404 500 5101', reason: 'asked by phone' }, key: t.keys.supervisor });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ phone: '+14045005101', campaignId: null, source: 'api', active: true, addedBy: expect.stringMatching(/^api-key:/) });
      const scoped = await t.request('POST', '/api/v1/dnc', { body: { phone: '+14045005102', campaignId: c.id, expiresAt: '2099-01-01T00:00:00Z' } });
      expect(scoped.body).toMatchObject({ campaignId: c.id, expiresAt: '2099-01-01T00:00:00.000Z' });

      const check = await t.request('GET', `/api/v1/dnc/check?phone=%2B14045005102&campaignId=${c.id}`, { key: t.keys.reporting });
      expect(check.body).toMatchObject({ phone: '+14045005102', blocked: true });
      expect((await t.request('GET', '/api/v1/dnc/check?phone=%2B14045005102')).body.blocked).toBe(false);

      const imported = await importContacts(t, c.id, [{ phone: '+14045005101' }, { phone: '+14045005102' }, { phone: '+14045005103' }]);
      expect(imported).toMatchObject({ inserted: 3, dnc: 2 });
      const statuses = (await t.request('GET', `/api/v1/campaigns/${c.id}/contacts?status=dnc`)).body.items.map((i: { lastResult: string }) => i.lastResult);
      expect(statuses).toEqual(['dnc_at_import', 'dnc_at_import']);

      const list = await t.request('GET', `/api/v1/dnc?campaignId=${c.id}`);
      expect(list.body.items).toHaveLength(1);
      const removed = await t.request('DELETE', `/api/v1/dnc/${added.body.id}`);
      expect(removed.status).toBe(200);
      expect((await t.request('DELETE', `/api/v1/dnc/${added.body.id}`)).status).toBe(404);
      const audit = await t.request('GET', '/api/v1/dnc/audit?phone=%2B14045005101');
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['removed', 'added']);
      expect(audit.body.items[0].actor).toMatch(/^api-key:/);
    });

    it.each([
      [{ phone: '+1555' }, 'phone'],
      [{ phone: '+14045005001', campaignId: 'nope' }, 'campaignId'],
      [{ phone: '+14045005001', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
    ])('refuses %j naming %s', async (body, field) => {
      const res = await t.request('POST', '/api/v1/dnc', { body });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe(field);
    });

    it('404s a campaign list of an unknown campaign', async () => {
      expect((await t.request('POST', '/api/v1/dnc', { body: { phone: '+14045005001', campaignId: ZERO } })).status).toBe(404);
    });
  });
});
