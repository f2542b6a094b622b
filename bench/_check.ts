import { startBenchApp, signedCallback } from './bench-kit';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
(async () => {
  const b = await startBenchApp({ LOG_LEVEL: 'info', APP_ROLE: 'api' });
  const r = signedCallback(b.app, { event: 'ice', callid: 'x1', timestamp: '2026-01-01T00:00:00', version: 1, cli: '46701234567', to: { type: 'did', endpoint: '+15550100001' }, domain: 'pstn' });
  process.stdout.write('---- before\n');
  const res = await fetch(b.url + WEBHOOK_PATH, { method: 'POST', headers: r.headers, body: r.body });
  process.stdout.write(`---- ${res.status} ${res.headers.get('x-request-id')} ${await res.text()}\n`);
  await fetch(b.url + '/no-such-route');
  process.stdout.write('---- after 404\n');
  await new Promise((r) => setTimeout(r, 300));
  await b.close();
  process.exit(0);
})();
