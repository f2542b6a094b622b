import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { BudgetsService } from 'src/reports/budgets/budgets.service';
import { sim, simUrl, sql, until } from './callbacks-kit';
import { campaignBody } from './campaign-fixtures';
import { type TestApp } from './test-app';
import { createQueueTestApp } from './queue-kit';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The operator console in a real browser (Debian's chromium, driven by playwright-core) against the real service and
// its simulator. Each page's screenshot goes to docs/console/ for the README when CONSOLE_SCREENSHOTS=1 is set (so a
// plain test run leaves the checkout as it was), else to a temporary folder.

// Numbers of the simulated account used here only.
const QUEUE_NUMBER = '+46101239401';
const CALLER = '+46701239401';
const AGENT_PHONE = '+46701239451';
const ROOM_LEGS = ['+46701239461', '+46701239462'];
const RECORDED = '+46701239471';
const CONTACTS = ['+14045559401', '+14045559402'];

const ROOT = join(__dirname, '..');
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'console') : mkdtempSync(join(tmpdir(), 'console-shots-'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUDGET = `Console budget ${Date.now()}`;
const SCALE = 200; // simulated seconds per real second: our answered calls (10 h) stay up until afterAll hangs up

describe('Operator console (browser e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let queueId: string | undefined;
  const consoleUrl = (hash = '') => `${t.url}/console/${hash}`;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const signIn = async (key: string) => {
    await page.goto(consoleUrl());
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const signOut = () => page.getByRole('button', { name: 'Sign out' }).click();

  beforeAll(async () => {
    // The console is built by `npm run build`; CI runs the tests without it, so the test builds it (a few seconds).
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.mts', '--logLevel', 'error'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await createQueueTestApp({ scale: SCALE, numbers: [QUEUE_NUMBER], rules: [{ match: '+467012394*', outcome: 'answered', talkTimeS: 36_000 }] });
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (!t) return;
    // Nothing of ours stays on the line: the simulator hangs up what is still live, then every DiCE is in.
    for (const call of (await sim(t, 'GET', '/_sim/calls')).calls as Body[]) {
      if (call.phase !== 'ended') await fetch(`${simUrl(t)}/_sim/calls/${call.callId}/hangup`, { method: 'POST' });
    }
    const live = async () => ((await sim(t, 'GET', '/_sim/calls')).calls as Body[]).filter((c) => c.phase !== 'ended');
    await until(async () => (await live()).length === 0, 40_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}: still live ${JSON.stringify(await live())}`);
    });
    // ...and the service has seen them end (closing while a DiCE is on its way leaves the app and simulator waiting).
    const inQueue = `SELECT count(*)::int AS n FROM queue_entries WHERE queue_id = $1 AND state IN ('waiting', 'offered', 'connected')`;
    if (queueId) await until(async () => (await sql(t, inQueue, [queueId]))[0].n === 0, 30_000);
    const ours = [CALLER, AGENT_PHONE, ...ROOM_LEGS, RECORDED, ...CONTACTS];
    const liveCalls = `SELECT count(*)::int AS n FROM calls WHERE (to_number = ANY($1) OR from_number = ANY($1)) AND state IN ('queued', 'initiated', 'ringing', 'answered')`;
    await until(async () => (await sql(t, liveCalls, [ours]))[0].n === 0, 30_000);
    await sql(t, 'DELETE FROM budgets WHERE name = $1', [BUDGET]); // left only if the costs test failed half-way
    await sql(t, 'DELETE FROM number_route_audits WHERE number = $1', [QUEUE_NUMBER]);
    await sql(t, 'DELETE FROM phone_numbers WHERE number = $1', [QUEUE_NUMBER]);
    await t.close();
  }, 90_000);

  it('is served at /console with its own CSP; the sign-in shows the API error for a bad key and keeps the key out of URLs', async () => {
    const redirect = await fetch(`${t.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    const index = await fetch(consoleUrl());
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("media-src 'self' blob:");
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");

    await signIn('not-a-valid-key-at-all-000000');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid or revoked API key');
    await shot('sign-in');
    await signIn(t.keys.supervisor);
    await page.getByTestId('role').getByText('supervisor').waitFor();
    expect(page.url()).not.toContain(t.keys.supervisor);
    // Evaluated in the page (a browser global, not Node's).
    expect(await page.evaluate('Object.values(sessionStorage)')).toContain(t.keys.supervisor);
  });

  it('live: a caller joins the queue on the wallboard (event stream), then is connected once the agent is set available', async () => {
    const queue = (
      await t.request('POST', '/api/v1/queues', { body: { name: `Console support ${Date.now()}`, greeting: 'Welcome', holdPrompt: 'Please hold' } })
    ).body;
    queueId = queue.id;
    const agent = await t.request('POST', '/api/v1/agents', {
      body: { name: 'Console Ann', endpointType: 'pstn', endpoint: AGENT_PHONE, queues: [{ queueId: queue.id, skill: 5 }] },
    });
    expect(agent.status).toBe(201);
    const numberId = (await sql(t, 'SELECT id FROM phone_numbers WHERE number = $1', [QUEUE_NUMBER]))[0].id;
    expect((await t.request('PUT', `/api/v1/numbers/${numberId}/route`, { body: { route: { type: 'queue', target: queue.id } } })).status).toBe(200);

    // The stream's first connection fails: the page says so and reconnects by itself.
    let refused = 0;
    await page.route('**/api/v1/queues/events', (route) => (refused++ === 0 ? route.abort('connectionreset') : route.continue()));
    await page.goto(consoleUrl('#/live'));
    await page.reload(); // a fresh page (the key stays in sessionStorage), so the stream opens through the route
    await page.getByTestId('stream-status').getByText('reconnecting').waitFor();
    await page.getByTestId('stream-status').getByText('live').waitFor();
    await page.unroute('**/api/v1/queues/events');
    expect(refused).toBe(2);
    // The run's database is shared: show our queue only.
    await page.getByLabel('Queue', { exact: true }).selectOption({ label: queue.name });
    await until(async () => (await page.getByTestId('queue-card').count()) === 1);
    const card = page.getByRole('region', { name: `Queue ${queue.name}` });
    await card.getByText('No caller is waiting.').waitFor();

    const callId = (await sim(t, 'POST', '/_sim/inbound', { from: CALLER, to: QUEUE_NUMBER })).callId as string;
    await card.getByTestId('caller-row').getByText(CALLER).waitFor({ timeout: 15_000 });
    await card.getByTestId('waiting').getByText('1', { exact: true }).waitFor();
    await shot('live');

    await page.getByRole('button', { name: 'Set Console Ann available' }).click();
    await card.getByTestId('connected').getByText('1').waitFor({ timeout: 15_000 });
    const entry = (await sql(t, 'SELECT state, agent_id FROM queue_entries WHERE sinch_call_id = $1', [callId]))[0];
    expect(entry).toEqual({ state: 'connected', agent_id: agent.body.id });
    await shot('live-connected');
  });

  it('conferences: mutes a participant from the room view; the API and the timeline agree', async () => {
    const room = (await t.request('POST', '/api/v1/conferences', { body: { name: 'Console stand-up', sinchConferenceId: `console-${Date.now()}` } })).body;
    expect((await t.request('POST', `/api/v1/conferences/${room.id}/participants`, { body: { destinations: ROOM_LEGS } })).status).toBe(202);
    await until(
      async () => (await t.request('GET', `/api/v1/conferences/${room.id}`)).body.participants.filter((p: Body) => p.state === 'joined').length === 2,
      15_000,
    );

    await page.goto(consoleUrl('#/conferences'));
    await page.getByRole('button', { name: 'Console stand-up' }).click();
    const row = page.getByTestId('participant-row').filter({ hasText: ROOM_LEGS[0] });
    await row.getByText('joined').waitFor();
    await page.getByRole('button', { name: `Mute ${ROOM_LEGS[0]}` }).click();
    await row.getByTestId('audio').getByText('muted', { exact: true }).waitFor();
    const view = (await t.request('GET', `/api/v1/conferences/${room.id}`)).body;
    expect(view.participants.find((p: Body) => p.number === ROOM_LEGS[0])).toMatchObject({ muted: true });
    expect(view.participants.find((p: Body) => p.number === ROOM_LEGS[1])).toMatchObject({ muted: false });

    await page.getByRole('button', { name: 'Show timeline' }).first().click();
    await page.getByTestId('session-timeline').getByText('mute').waitFor();
    await shot('conferences');
    expect((await t.request('POST', `/api/v1/conferences/${room.id}/end`)).status).toBe(200);
  });

  it('campaigns: imports a CSV with a bad line (shown with its line and reason), then starts the campaign', async () => {
    const name = `Console reminders ${Date.now()}`;
    const created = await t.request('POST', '/api/v1/campaigns', { body: campaignBody({ name }) });
    expect(created.status).toBe(201);

    await page.goto(consoleUrl('#/campaigns'));
    const row = page.getByTestId('campaign-row').filter({ hasText: name });
    await row.getByRole('button', { name: 'Details' }).click();
    const csv = `phone,firstName\n${CONTACTS[0]},Ann\nnot-a-number,Bob\n${CONTACTS[1]},Cid\n`;
    await page.getByLabel(/CSV file/).setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    const result = page.getByTestId('import-result');
    await result.getByText('3 rows: 2 added').waitFor();
    const rejected = page.getByTestId('rejected-line');
    await expect(rejected.count()).resolves.toBe(1);
    await expect(rejected.textContent()).resolves.toMatch(/^3phone.*not a valid phone number/);
    await row.getByText('0 / 2 contacts').waitFor();

    await page.getByRole('button', { name: `start ${name}` }).click();
    await row.getByTestId('campaign-status').getByText('running').waitFor();
    expect((await t.request('GET', `/api/v1/campaigns/${created.body.id}`)).body.status).toBe('running');
    await shot('campaigns');
    // A tablet: the page reflows (wide tables scroll inside their box), nothing runs off the side.
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await shot('campaigns-tablet');
    await page.setViewportSize({ width: 1280, height: 900 });
    // A transition the API refuses is shown as the API words it.
    expect((await t.request('POST', `/api/v1/campaigns/${created.body.id}/pause`)).status).toBe(200);
    await page.getByRole('button', { name: `pause ${name}` }).click();
    await page.getByRole('alert').first().waitFor();
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/409/);
    expect((await t.request('POST', `/api/v1/campaigns/${created.body.id}/cancel`)).status).toBe(200);
  });

  it("calls: filters the log by number, opens a call's callback timeline and plays its recording", async () => {
    const placed = await t.request('POST', '/api/v1/callouts', {
      body: { type: 'tts', destination: RECORDED, text: 'Your parcel is on its way', record: true },
    });
    expect(placed.status).toBe(202);
    await until(async () => (await t.request('GET', `/api/v1/recordings?callId=${placed.body.id}`)).body.items[0]?.status === 'available', 20_000);
    await until(async () => (await t.request('GET', `/api/v1/calls/${placed.body.id}`)).body.events.some((e: Body) => e.kind === 'dice'), 20_000);

    await page.goto(consoleUrl('#/calls'));
    await page.getByLabel('Number').fill(RECORDED);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await until(async () => (await page.getByTestId('call-row').count()) === 1 && page.getByTestId('call-row').getByText(RECORDED).isVisible());
    await page.getByRole('button', { name: `Timeline of the call to ${RECORDED}` }).click();
    const timeline = page.getByTestId('call-timeline');
    await timeline.getByText('DICE', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Load recording' }).click();
    const audio = page.getByTestId('recording-audio');
    await audio.waitFor();
    const duration = await audio.evaluate(
      (el: Body) =>
        new Promise<number>((resolve, reject) => {
          if (el.readyState >= 1) resolve(el.duration);
          el.onloadedmetadata = () => resolve(el.duration);
          el.onerror = () => reject(new Error(`audio error ${el.error?.code}`));
        }),
    );
    expect(duration).toBeGreaterThan(0);
    await shot('calls');

    // A filter the API refuses: its message, with the field.
    await page.getByLabel('Number').fill('12');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('number');
  });

  it('costs: draws the spend chart, downloads the report as CSV; an admin creates a budget, sees its state and deletes it', async () => {
    await until(async () => {
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const to = new Date(Date.now() + 86_400_000).toISOString();
      const report = await t.request('GET', `/api/v1/reports/costs?from=${from}&to=${to}&groupBy=day`);
      return report.body.items?.some((r: Body) => r.spend.length > 0);
    }, 20_000);
    await page.goto(consoleUrl('#/costs'));
    const chart = page.getByTestId('spend-chart').first();
    await chart.waitFor();
    expect(await chart.getByTestId('bar').count()).toBeGreaterThan(0);
    await page.getByTestId('costs-table').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^costs-.*\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.split(/\r?\n/)[0]).toBe('day,country,calls,answered,talk_seconds,billed_minutes,currency,spend,cost_per_answered_call');
    expect(text).toMatch(/\nUSD|,USD,/);

    // Budgets: only admin may create or delete one. A global budget that only alerts (no pause, no callout refusal:
    // the run's database is shared) and is crossed by today's spend.
    expect(await page.getByRole('button', { name: 'Create budget' }).count()).toBe(0);
    await signOut();
    await signIn(t.keys.admin);
    await page.getByTestId('role').getByText('admin').waitFor();
    await page.goto(consoleUrl('#/costs'));
    const form = page.getByRole('form', { name: 'New budget' });
    await form.getByLabel('Name').fill(BUDGET);
    await form.getByLabel('Period').selectOption('day');
    await form.getByLabel('Limit', { exact: true }).fill('-1');
    await form.getByLabel('Thresholds (%)').fill('1');
    await form.getByLabel('Pause at limit').uncheck();
    await form.getByRole('button', { name: 'Create budget' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/^400[\s\S]*amount/);
    await form.getByLabel('Limit', { exact: true }).fill('0.01');
    await form.getByRole('button', { name: 'Create budget' }).click();
    const row = page.getByTestId('budget-row').filter({ hasText: BUDGET });
    await row.getByText('none of 1 %').waitFor();
    const budget = ((await t.request('GET', '/api/v1/budgets')).body as Body[]).find((b) => b.name === BUDGET)!;
    expect(budget).toMatchObject({ scope: 'global', period: 'day', currency: 'USD', amount: '0.01', thresholds: [1], pauseAtLimit: false });
    await until(async () => {
      await t.app.get(BudgetsService).check();
      return (await t.request('GET', `/api/v1/budgets/${budget.id}`)).body.alerts.length === 1;
    }, 20_000);
    const state = (await t.request('GET', `/api/v1/budgets/${budget.id}`)).body;
    await page.reload();
    await row.getByTestId('budget-alerts').getByText(`1 % at ${state.alerts[0].spend} USD`).waitFor();
    // Today's global spend keeps growing while other suites run: its shape, not its figure.
    expect(await row.getByTestId('budget-spent').textContent()).toMatch(/^\d+(\.\d+)? USD$/);
    expect(await row.getByTestId('budget-used').textContent()).toMatch(/^\d+\.\d %$/);
    await shot('costs');
    await page.getByRole('button', { name: `Delete budget ${BUDGET}` }).click();
    await until(async () => (await row.count()) === 0);
    expect((await t.request('GET', `/api/v1/budgets/${budget.id}`)).status).toBe(404);
  });

  it('roles: reporting reads without the buttons (and the API refuses it); an agent key sees only its own status', async () => {
    await signOut();
    await signIn(t.keys.reporting);
    await page.getByTestId('role').getByText('reporting').waitFor();
    await page.goto(consoleUrl('#/campaigns'));
    await page.getByTestId('campaign-row').first().waitFor();
    expect(await page.getByRole('button', { name: /^(start|pause|resume|cancel) / }).count()).toBe(0);
    await page.goto(consoleUrl('#/conferences'));
    await page.getByRole('region', { name: 'Room', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /^Mute / }).count()).toBe(0);
    const campaign = (await t.request('GET', '/api/v1/campaigns?limit=1')).body.items[0];
    expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/start`, { key: t.keys.reporting })).status).toBe(403);
    await page.goto(consoleUrl('#/costs'));
    await page.getByTestId('budgets-table').or(page.getByText('No budget is set.')).waitFor();
    expect(await page.getByRole('button', { name: /^(Create budget|Delete budget )/ }).count()).toBe(0);
    expect((await t.request('GET', '/api/v1/budgets', { key: t.keys.reporting })).status).toBe(200);
    const refused = await t.request('POST', '/api/v1/budgets', {
      key: t.keys.reporting,
      body: { name: BUDGET, scope: 'global', period: 'day', currency: 'USD', amount: '1', pauseAtLimit: false },
    });
    expect(refused.status).toBe(403);

    const agentKeyId = (await t.app.get(ApiKeysService).authenticate(t.keys.agent))!.id;
    const bound = await t.request('POST', '/api/v1/agents', {
      body: { name: 'Console Bo', endpointType: 'user', endpoint: `console-bo-${Date.now()}`, apiKeyId: agentKeyId },
    });
    expect(bound.status).toBe(201);
    await signOut();
    await signIn(t.keys.agent);
    await page.getByTestId('role').getByText('agent').waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents()).toEqual(['My status']);
    await page.getByRole('button', { name: 'available' }).click();
    await page.getByTestId('my-status').getByText('available').waitFor();
    expect((await t.request('GET', `/api/v1/agents/${bound.body.id}`)).body.status).toBe('available');
    await shot('agent');
    expect((await t.request('GET', '/api/v1/calls', { key: t.keys.agent })).status).toBe(403);
    await page.getByRole('button', { name: 'offline' }).click();
    await page.getByTestId('my-status').getByText('offline').waitFor();
  });
});
