import type { FastifyInstance } from 'fastify';
import { callSimSummary, callSimView } from 'src/simulator/calls/call-views';
import { parseEventFilter } from 'src/simulator/event-log';
import { parseFaults } from 'src/simulator/faults';
import { controlJson, type SimDeps } from 'src/simulator/http/http-support';
import { parseRules } from 'src/simulator/outcome-rules';
import { ControlError, controlInput } from 'src/simulator/http/sim-errors';

const E164 = /^\+[1-9]\d{6,14}$/;
const KEYPAD = /^[0-9#*]{1,64}$/;
const NUMBER_TYPES = ['Fixed', 'Mobile', 'Other', 'Unknown'];

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
    const patience = body.abandonAfterS;
    if (patience !== undefined && (typeof patience !== 'number' || !(patience > 0) || patience > 86_400)) {
      throw controlInput('abandonAfterS', 'must be a number of seconds between 0 and 86400 (time parked before the caller hangs up)');
    }
    const keys = body.dtmf;
    if (keys !== undefined && (typeof keys !== 'string' || !/^[0-9*#]{1,32}$/.test(keys))) {
      throw controlInput('dtmf', 'must be 1 to 32 keys of 0-9, * and # (pressed as the call is answered, for the first menu)');
    }
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
      ...(patience !== undefined ? { patienceS: patience as number } : {}),
    });
    // The caller's keys wait in the call's buffer: the first menu the call runs takes them.
    if (keys !== undefined) engine.dtmf(call.callId, keys as string, callNotFound);
    return { callId: call.callId };
  });

  // The account's numbers, to test drift: add one (unassigned unless `assigned`), or remove one as if it had been
  // released from the account. Country and type are what queryNumber will report for it.
  app.get('/_sim/numbers', async () => ({ numbers: [...settings.numbers.values()] }));

  app.post('/_sim/numbers', async (req, reply) => {
    const body = controlJson(req);
    const number = e164(body, 'number');
    if (body.countryId !== undefined && (typeof body.countryId !== 'string' || !/^[A-Z]{2}$/.test(body.countryId))) {
      throw controlInput('countryId', 'must be a two-letter ISO 3166 country code in capitals, e.g. SE');
    }
    if (body.numberType !== undefined && !NUMBER_TYPES.includes(body.numberType as string)) {
      throw controlInput('numberType', `must be one of ${NUMBER_TYPES.join(', ')}`);
    }
    if (body.assigned !== undefined && typeof body.assigned !== 'boolean') throw controlInput('assigned', 'must be a boolean');
    const owned = {
      number,
      capability: 'voice' as const,
      ...(body.assigned === true ? { applicationkey: options.applicationKey } : {}),
      ...(body.countryId !== undefined ? { countryId: body.countryId as string } : {}),
      ...(body.numberType !== undefined ? { numberType: body.numberType as 'Fixed' } : {}),
    };
    settings.numbers.set(number, owned);
    return reply.code(201).send(owned);
  });

  app.delete<{ Params: { number: string } }>('/_sim/numbers/:number', async (req, reply) => {
    const raw = decodeURIComponent(req.params.number).trim();
    const number = raw.startsWith('+') ? raw : `+${raw}`;
    if (!settings.numbers.delete(number)) throw new ControlError(404, `Number ${number} is not owned by the account`, 'number');
    return reply.code(204).send();
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
