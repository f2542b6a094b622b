import Fastify from 'fastify';
import { Client } from 'pg';
import { RouteCache } from 'src/numbers/routing/route-cache';
import { WEBHOOK_PATH } from 'src/sinch/sinch.module';
import { fmt, load, signedCallback, startBenchApp, type SignedRequest } from './bench-kit';

const CONNECTIONS = 32;
const COUNT = 30_000;
const MAX_SECONDS = 8;
// Every ICE goes to one of this many routed numbers (phone_numbers rows with a message route), as an account
// with a large number estate: the route lookup is a Map read, whatever the table's size.
const ROUTED_NUMBERS = 10_000;
const FIRST_NUMBER = 46_101_000_000;
const ROUTE = { route: { type: 'message', text: 'Thank you for calling Acme. Please call again during our opening hours.' } };
const ROUTE_SVAML = { instructions: [{ name: 'say', text: ROUTE.route.text }], action: { name: 'hangup' } };

async function seedRoutedNumbers(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO phone_numbers (number, country, number_type, application_key, routing, first_seen_at, last_seen_at)
       SELECT '+' || (${FIRST_NUMBER} + i)::text, 'SE', 'Fixed', 'bench', $1, now(), now() FROM generate_series(0, ${ROUTED_NUMBERS - 1}) AS i`,
      [ROUTE],
    );
  } finally {
    await client.end();
  }
}

// Signed ICE → SVAML through the whole service (signature check, parse, decision, inbox write to Postgres, new
// inbound call row) against a bare Fastify handler that answers the same SVAML without doing anything: the ratio
// is what the service's work costs. Same machine, same load loop, loopback only.
export async function run(): Promise<void> {
  // api role: the process under load serves HTTP only, as an api replica does (no workers or schedules).
  const bench = await startBenchApp({ APP_ROLE: 'api' });
  await seedRoutedNumbers(bench.databaseUrl);
  await bench.app.get(RouteCache).refresh();
  const bare = Fastify();
  bare.post(WEBHOOK_PATH, async () => ROUTE_SVAML);
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  try {
    // Distinct calls (each ICE creates its inbound row) to numbers spread over the routed ones, written as Sinch
    // writes them (the caller without its plus), signed before the clock starts.
    const requests: SignedRequest[] = Array.from({ length: COUNT + 2_000 }, (_, i) =>
      signedCallback(bench.app, {
        event: 'ice',
        callid: `bench-ice-${process.pid}-${i}`,
        timestamp: new Date().toISOString().slice(0, 19),
        version: 1,
        cli: '46701234567',
        to: { type: 'did', endpoint: `+${FIRST_NUMBER + ((i * 7919) % ROUTED_NUMBERS)}` },
        domain: 'pstn',
        originationType: 'PSTN',
        rdnis: '',
      }),
    );
    await checkRouted(bench.url, requests[0]);
    const warm = requests.slice(0, 2_000);
    const measured = requests.slice(2_000);
    await load(bench.url, WEBHOOK_PATH, warm, { connections: CONNECTIONS, count: warm.length, maxSeconds: 5 });
    await load(bareUrl, WEBHOOK_PATH, warm, { connections: CONNECTIONS, count: warm.length, maxSeconds: 5 });

    const service = await load(bench.url, WEBHOOK_PATH, measured, { connections: CONNECTIONS, count: COUNT, maxSeconds: MAX_SECONDS });
    const baseline = await load(bareUrl, WEBHOOK_PATH, measured, { connections: CONNECTIONS, count: COUNT, maxSeconds: MAX_SECONDS });
    // The framework's own floor: an unknown route through the same Nest app (routing, logging, 404 filter).
    const floor = await load(bench.url, '/no-such-route', measured, { connections: CONNECTIONS, count: COUNT, maxSeconds: MAX_SECONDS });
    process.stdout.write(`signed ICE → SVAML, ${CONNECTIONS} connections, ${ROUTED_NUMBERS.toLocaleString('en-US')} routed numbers in the table\n`);
    process.stdout.write(`  service   ${fmt(service)}\n`);
    process.stdout.write(`  bare      ${fmt(baseline)}\n`);
    process.stdout.write(`  nest 404  ${fmt({ ...floor, errors: 0 })}\n`);
    process.stdout.write(`  ratio     ${(service.perSecond / baseline.perSecond).toFixed(2)} (goal >= 0.6); Nest's own 404 reaches ${(floor.perSecond / baseline.perSecond).toFixed(2)}\n`);
  } finally {
    await bare.close();
    await bench.close();
  }
}

// The bench measures the routed answer, not the default one: one request checked before the clock starts.
async function checkRouted(url: string, request: SignedRequest): Promise<void> {
  const response = await fetch(url + WEBHOOK_PATH, { method: 'POST', headers: request.headers, body: request.body });
  const body = await response.text();
  if (JSON.stringify(JSON.parse(body)) !== JSON.stringify(ROUTE_SVAML)) throw new Error(`the ICE was not answered by its route: ${body}`);
}
