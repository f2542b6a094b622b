import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { AppSettings } from 'src/simulator/app-settings';
import { CallEngine } from 'src/simulator/calls/call-engine';
import { CallbackSender } from 'src/simulator/calls/callback-sender';
import { ConferenceRooms } from 'src/simulator/calls/conference-rooms';
import { registerControlRoutes } from 'src/simulator/http/control-routes';
import { EventLog, type SimEvent } from 'src/simulator/event-log';
import { Faults } from 'src/simulator/faults';
import { isUrl, rawJsonOrNull, type SimDeps } from 'src/simulator/http/http-support';
import { registerManagementRoutes } from 'src/simulator/http/management-routes';
import { OutcomeRules } from 'src/simulator/outcome-rules';
import { SeededStreams } from 'src/simulator/prng';
import { registerCallingRoutes } from 'src/simulator/http/rest-routes';
import { Scheduler } from 'src/simulator/sim-clock';
import { ControlError, SinchApiError, faultError, sinchErrorBody } from 'src/simulator/http/sim-errors';
import { resolveOptions } from 'src/simulator/simulator-options';
import type { SimulatorOptions, SinchSimulator } from 'src/simulator/simulator.types';
import { verifySignedRequest } from 'src/sinch/signing';

export type { SimulatorOptions, SinchSimulator } from 'src/simulator/simulator.types';

// Sinch documents no skew window; ten minutes tolerates a drifting dev clock and still rejects replays.
const MAX_SKEW_S = 600;

const AUTH_CODES: Record<string, number> = {
  missing_authorization: 40100,
  malformed_authorization: 40100,
  missing_timestamp: 40101,
  invalid_timestamp: 40101,
  stale_timestamp: 40101,
  unknown_key: 40102,
  bad_signature: 40102,
};

const isControl = (req: FastifyRequest): boolean => req.url === '/_sim' || req.url.startsWith('/_sim/') || req.url.startsWith('/_sim?');
const pathOf = (url: string): string => url.split('?')[0];

// Sinch's Calling API and application-management API on one port, plus the /_sim control API.
export async function createSimulator(options: SimulatorOptions): Promise<SinchSimulator> {
  const { resolved, rates } = resolveOptions(options);
  const scheduler = new Scheduler(resolved.timeScale);
  const streams = new SeededStreams(resolved.seed);
  const events = new EventLog(options.logger);
  const rules = new OutcomeRules(resolved);
  const rooms = new ConferenceRooms();
  const faults = new Faults(() => streams.faultRoll());
  const settings = new AppSettings({ callbackUrl: options.callbackUrl, numbers: resolved.numbers, applicationKey: resolved.applicationKey });
  const sender = new CallbackSender(resolved.applicationKey, resolved.applicationSecret, resolved.callbackTimeoutMs, scheduler);
  const engine = new CallEngine({
    options: resolved,
    scheduler,
    events,
    rules,
    rates,
    rooms,
    faults,
    sender,
    streams,
    callbackUrls: () => ({ primary: settings.primaryUrl, fallback: settings.fallbackUrl }),
  });
  const deps: SimDeps = {
    options: resolved,
    engine,
    rooms,
    settings,
    events,
    rules,
    faults,
    rates,
    streams,
    scheduler,
    reset: async () => {
      await engine.abortAll();
      rooms.clear();
      events.clear();
      rules.set([]);
      faults.reset();
      settings.reset();
    },
  };

  const app = Fastify({ logger: false, forceCloseConnections: true });
  installPlumbing(app, deps);
  await app.register(async (api) => {
    api.addHook('preHandler', async (req) => guardSinchRequest(req, deps));
    registerCallingRoutes(api, deps);
    registerManagementRoutes(api, deps);
  });
  registerControlRoutes(app, deps);

  await app.listen({ port: resolved.port, host: resolved.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : resolved.port;
  const host = ['0.0.0.0', '::', ''].includes(resolved.host) ? '127.0.0.1' : resolved.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  engine.setBaseUrl(url);

  let closing: Promise<void> | undefined;
  return {
    url,
    seed: resolved.seed,
    setCallbackUrl(callbackUrl: string | undefined): void {
      if (callbackUrl !== undefined && !isUrl(callbackUrl)) throw new Error('setCallbackUrl: must be an http(s) URL');
      settings.primaryUrl = callbackUrl;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        await engine.abortAll();
        scheduler.clearAll();
        await app.close();
        await sender.close();
        scheduler.clearAll();
      })();
      return closing;
    },
  };
}

// Latency, authentication and injected faults, in that order, for every Sinch REST request.
async function guardSinchRequest(req: FastifyRequest, deps: SimDeps): Promise<void> {
  if (deps.faults.latencyMs > 0) await deps.scheduler.sleepReal(deps.faults.latencyMs);
  const verdict = verifySignedRequest({
    method: req.method,
    path: pathOf(req.url),
    headers: req.headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    credentials: [{ applicationKey: deps.options.applicationKey, applicationSecret: deps.options.applicationSecret }],
    maxSkewSeconds: MAX_SKEW_S,
    allowBasic: true,
  });
  if (!verdict.ok) throw new SinchApiError(401, AUTH_CODES[verdict.reason] ?? 40100, verdict.message);
  const isCallout = req.method === 'POST' && pathOf(req.url) === '/calling/v1/callouts';
  const status = deps.faults.restFault(isCallout);
  if (status !== undefined) throw faultError(status, deps.faults.retryAfterS);
}

function installPlumbing(app: FastifyInstance, deps: SimDeps): void {
  // Raw bytes for every content type: signatures are verified over them and JSON is parsed per route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const pending = new WeakMap<FastifyRequest, { event: SimEvent; started: number }>();
  const responses = new WeakMap<FastifyRequest, unknown>();
  // Control reads (polling /_sim/events) would drown the log, so only mutating control calls are recorded.
  const recorded = (req: FastifyRequest): boolean => !isControl(req) || req.method !== 'GET';

  app.addHook('preHandler', async (req) => {
    if (!recorded(req)) return;
    const params = req.params as Record<string, string> | undefined;
    const event = deps.events.add(
      isControl(req) ? 'control' : 'rest',
      { method: req.method, path: pathOf(req.url), callId: params?.callId, request: rawJsonOrNull(req) },
      { deferLog: true },
    );
    pending.set(req, { event, started: deps.scheduler.nowRealMs() });
  });
  app.addHook('onSend', async (req, _reply, payload) => {
    if (typeof payload === 'string' && payload.length > 0 && payload.length < 20_000) responses.set(req, payload);
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const entry = pending.get(req);
    if (!entry) return;
    let response: unknown = null;
    const text = responses.get(req);
    if (typeof text === 'string') {
      try {
        response = JSON.parse(text);
      } catch {
        response = text;
      }
    }
    const callId = entry.event.callId ?? (response as { callId?: string } | null)?.callId;
    deps.events.complete(entry.event, {
      status: reply.statusCode,
      response,
      ms: Math.round(deps.scheduler.nowRealMs() - entry.started),
      ...(callId ? { callId } : {}),
    });
  });

  app.setNotFoundHandler((req, reply) => {
    if (isControl(req)) return reply.code(404).send({ error: 'Not Found', message: `No control route ${req.method} ${pathOf(req.url)}` });
    const error = new SinchApiError(404, 40400, 'Requested resource not found');
    return reply.code(404).send(sinchErrorBody(error, deps.streams.reference()));
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof ControlError) {
      return reply.code(error.statusCode).send({ error: reasonPhrase(error.statusCode), message: error.message, field: error.field });
    }
    const status = typeof (error as { statusCode?: number }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (isControl(req)) {
      return reply.code(status).send({ error: reasonPhrase(status), message: status >= 500 ? 'Internal error' : message });
    }
    const sinchError =
      error instanceof SinchApiError
        ? error
        : status < 500
          ? new SinchApiError(status, status * 100, message)
          : new SinchApiError(500, 50000, 'General error; try submitting request again');
    if (status >= 500 && !(error instanceof SinchApiError)) {
      deps.events.add('rest', { method: req.method, path: pathOf(req.url), event: 'internal error', message });
    }
    return reply
      .code(sinchError.statusCode)
      .headers(sinchError.headers)
      .send(sinchErrorBody(sinchError, sinchError.reference ?? deps.streams.reference()));
  });
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 500: 'Internal Server Error' };
  return phrases[status] ?? 'Error';
}
