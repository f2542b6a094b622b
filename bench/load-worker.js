// The load loop, run in a worker thread so the load generator does not share the server's event loop.
// Plain JavaScript: worker threads do not go through ts-node.
//
// Closed loop (default): `connections` requests in flight until `count` are done or `maxSeconds` pass.
// Open loop (`rate` set): requests start on a fixed schedule of `rate` per second whatever the answers do, and each
// latency is counted from its scheduled start, so a stall shows in the percentiles (no coordinated omission).
// `warmupSeconds` (open loop): the schedule runs that long first on the same connections, reported apart, so the
// figures are those of a client whose keep-alive connections are open (as Sinch's are to a running service), not of
// a fresh pool opening them while the clock runs.
const { parentPort, workerData } = require('node:worker_threads');
const { Pool } = require('undici');
const { setTimeout: sleep } = require('node:timers/promises');

async function main() {
  const { origin, path, requests, connections, count, maxSeconds, rate, warmupSeconds = 0 } = workerData;
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  const measured = { latencies: [], errors: 0 };
  const warmup = { latencies: [], errors: 0 };
  let next = 0;
  let started = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const send = async (req, t0, into) => {
    try {
      const res = await pool.request({ method: 'POST', path, headers: req.headers, body: req.body });
      await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) into.errors++;
    } catch {
      into.errors++;
    }
    into.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  };
  if (rate) {
    const warmups = Math.floor(rate * warmupSeconds);
    const total = warmups + Math.min(count, Math.floor(rate * maxSeconds));
    const interval = 1e9 / rate;
    const first = started;
    const inFlight = [];
    while (next < total) {
      const due = first + BigInt(Math.round(next * interval));
      const now = process.hrtime.bigint();
      if (now < due) {
        await sleep(Math.max(0, Number(due - now) / 1e6 - 0.5));
        continue;
      }
      if (next === warmups) started = due;
      inFlight.push(send(requests[next % requests.length], due, next < warmups ? warmup : measured));
      next++;
    }
    await Promise.all(inFlight);
  } else {
    const worker = async () => {
      while (next < count && Date.now() < deadline) {
        const req = requests[next++ % requests.length];
        await send(req, process.hrtime.bigint(), measured);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  parentPort.postMessage({ latencies: measured.latencies, errors: measured.errors, seconds, warmup });
}

main().catch((error) => parentPort.postMessage({ error: String(error && error.stack ? error.stack : error) }));
