import Fastify from 'fastify';
import { buildDefaultAnswers } from 'src/callbacks/default-answers';
import { AppConfig } from 'src/config/app-config';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { fmt, load, signedCallback, startBenchApp, type SignedRequest } from './bench-kit';

const CONNECTIONS = 32;
const COUNT = 30_000;
const MAX_SECONDS = 8;

// Signed ICE → SVAML through the whole service (signature check, parse, decision, inbox write to Postgres, new
// inbound call row) against a bare Fastify handler that answers the same SVAML without doing anything: the ratio
// is what the service's work costs. Same machine, same load loop, loopback only.
export async function run(): Promise<void> {
  // api role: the process under load serves HTTP only, as an api replica does (no workers or schedules).
  const bench = await startBenchApp({ APP_ROLE: 'api' });
  const svamlAnswer = buildDefaultAnswers(bench.app.get(AppConfig).callbacks.defaultIceMessage).ice;
  const bare = Fastify();
  bare.post(WEBHOOK_PATH, async () => svamlAnswer);
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  try {
    // Distinct calls (each ICE creates its inbound row), signed before the clock starts.
    const requests: SignedRequest[] = Array.from({ length: COUNT + 2_000 }, (_, i) =>
      signedCallback(bench.app, {
        event: 'ice',
        callid: `bench-ice-${process.pid}-${i}`,
        timestamp: new Date().toISOString().slice(0, 19),
        version: 1,
        cli: '+46701234567',
        to: { type: 'did', endpoint: '+15550100001' },
        domain: 'pstn',
        originationType: 'PSTN',
      }),
    );
    const warm = requests.slice(0, 2_000);
    const measured = requests.slice(2_000);
    await load(bench.url, WEBHOOK_PATH, warm, { connections: CONNECTIONS, count: warm.length, maxSeconds: 5 });
    await load(bareUrl, WEBHOOK_PATH, warm, { connections: CONNECTIONS, count: warm.length, maxSeconds: 5 });

    const service = await load(bench.url, WEBHOOK_PATH, measured, { connections: CONNECTIONS, count: COUNT, maxSeconds: MAX_SECONDS });
    const baseline = await load(bareUrl, WEBHOOK_PATH, measured, { connections: CONNECTIONS, count: COUNT, maxSeconds: MAX_SECONDS });
    // The framework's own floor: an unknown route through the same Nest app (routing, logging, 404 filter).
    const floor = await load(bench.url, '/no-such-route', measured, { connections: CONNECTIONS, count: COUNT, maxSeconds: MAX_SECONDS });
    process.stdout.write(`signed ICE → SVAML, ${CONNECTIONS} connections\n`);
    process.stdout.write(`  service   ${fmt(service)}\n`);
    process.stdout.write(`  bare      ${fmt(baseline)}\n`);
    process.stdout.write(`  nest 404  ${fmt({ ...floor, errors: 0 })}\n`);
    process.stdout.write(`  ratio     ${(service.perSecond / baseline.perSecond).toFixed(2)} (goal >= 0.6); Nest's own 404 reaches ${(floor.perSecond / baseline.perSecond).toFixed(2)}\n`);
  } finally {
    await bare.close();
    await bench.close();
  }
}
