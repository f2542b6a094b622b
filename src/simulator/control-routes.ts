import type { FastifyInstance } from 'fastify';
import { callSimSummary, callSimView } from 'src/simulator/call-views';
import { parseEventFilter } from 'src/simulator/event-log';
import { parseFaults } from 'src/simulator/faults';
import { controlJson, type SimDeps } from 'src/simulator/http-support';
import { parseRules } from 'src/simulator/outcome-rules';
import { ControlError, controlInput } from 'src/simulator/sim-errors';

const E164 = /^\+[1-9]\d{6,14}$/;
const KEYPAD = /^[0-9#*]{1,64}$/;

type CallParams = { Params: { callId: string } };

const callNotFound = (message: string): Error => new ControlError(404, message);

function e164(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || !E164.test(value)) {
    throw controlInput(field, 'is required and must be a number in E.164 format, e.g. +46701234567');
  }
  return value;
}

// The simulator's own control API under /_sim: no authentication, plain JSON, 400 naming the field.
export function registerControlRoutes(app: FastifyInstance, deps: SimDeps): void {
  const { engine, settings, events, rules, faults, rooms, options } = deps;

  app.get('/_sim', async () => ({
    applicationKey: options.applicationKey,
    timeScale: options.timeScale,
    seed: options.seed,
    currency: options.currency,
    billingIncrementS: options.billingIncrementS,
    callbackUrl: settings.primaryUrl ?? null,
    fallbackUrl: settings.fallbackUrl ?? null,
  }));

  // An inbound PSTN call from `from` to one of our numbers: ICE to the callback URL, then its SVAML runs.
  app.post('/_sim/inbound', async (req) => {
    const body = controlJson(req);
    const from = e164(body, 'from');
    const to = e164(body, 'to');
    if (body.custom !== undefined && typeof body.custom !== 'string') throw controlInput('custom', 'must be a string');
    if (!settings.primaryUrl) {
      throw new ControlError(409, 'No callback URL is configured: set one with setCallbackUrl() or POST /v1/configuration/callbacks/applications/{key}');
    }
    const call = engine.start({
      origin: 'inbound',
      cli: from,
      to: { type: 'did', endpoint: to },
      domain: 'pstn',
      custom: body.custom as string | undefined,
      details: {},
      callbacks: { ice: { kind: 'app' }, ace: { kind: 'app' }, pie: { kind: 'app' }, dice: true },
      // The caller's patience once connected follows the rules for the caller's number.
      talkTimeS: rules.resolve(from).talkTimeS,
    });
    return { callId: call.callId };
  });

  app.post<CallParams>('/_sim/calls/:callId/dtmf', async (req) => {
    const body = controlJson(req);
    if (typeof body.digits !== 'string' || !KEYPAD.test(body.digits)) {
      throw controlInput('digits', 'is required: 1 to 64 keypad characters (0-9, *, #)');
    }
    engine.dtmf(req.params.callId, body.digits, callNotFound);
    return { callId: req.params.callId, digits: body.digits };
  });

  app.post<CallParams>('/_sim/calls/:callId/hangup', async (req) => {
    engine.remoteHangup(req.params.callId, callNotFound);
    return { callId: req.params.callId };
  });

  app.get('/_sim/calls', async () => ({ calls: engine.all().map(callSimSummary) }));

  app.get<CallParams>('/_sim/calls/:callId', async (req) => {
    const s = engine.get(req.params.callId);
    if (!s) throw callNotFound(`Call ${req.params.callId} not found`);
    return callSimView(s);
  });

  app.get('/_sim/conferences', async () => ({ conferences: rooms.simView() }));

  app.get('/_sim/events', async (req) => {
    const filter = parseEventFilter(req.query as Record<string, unknown>);
    return { lastSeq: events.lastSeq, events: events.query(filter) };
  });

  app.get('/_sim/rules', async () => ({ rules: rules.list() }));
  app.put('/_sim/rules', async (req) => {
    rules.set(parseRules(controlJson(req)));
    return { rules: rules.list() };
  });

  app.get('/_sim/faults', async () => faults.view());
  app.put('/_sim/faults', async (req) => {
    faults.set(parseFaults(controlJson(req)));
    return faults.view();
  });

  app.post('/_sim/reset', async (_req, reply) => {
    await deps.reset();
    return reply.code(204).send();
  });
}
