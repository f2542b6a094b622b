// The load loop, run in a worker thread so the load generator does not share the server's event loop.
// Plain JavaScript: worker threads do not go through ts-node.
const { parentPort, workerData } = require('node:worker_threads');
const { Pool } = require('undici');

async function main() {
  const { origin, path, requests, connections, count, maxSeconds } = workerData;
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  const latencies = [];
  let next = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const req = requests[next++ % requests.length];
      const t0 = process.hrtime.bigint();
      try {
        const res = await pool.request({ method: 'POST', path, headers: req.headers, body: req.body });
        await res.body.text();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  parentPort.postMessage({ latencies, errors, seconds });
}

main().catch((error) => parentPort.postMessage({ error: String(error && error.stack ? error.stack : error) }));
