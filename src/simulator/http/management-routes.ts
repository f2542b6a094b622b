import type { FastifyInstance } from 'fastify';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { money } from 'src/simulator/calls/callback-bodies';
import { isUrl, sinchObject, type SimDeps } from 'src/simulator/http/http-support';
import { missingParameterError, missingPlusError, notFoundError, parameterError } from 'src/simulator/http/sim-errors';
import { isRecord } from 'src/sinch/json';

const E164 = /^\+[1-9]\d{6,14}$/;
const CAPABILITIES = ['voice', 'sms'];

type Body = Record<string, unknown>;

// A number as the management API takes it: E.164; digits without the plus get Sinch's 40005.
function e164(value: unknown, field: string): string {
  if (value === undefined || value === null) throw missingParameterError(`${field} is required`);
  if (typeof value === 'string' && /^[1-9]\d{6,14}$/.test(value)) throw missingPlusError(`${field}: ${value} is missing the leading +`);
  if (typeof value !== 'string' || !E164.test(value)) throw parameterError(`${field}: ${JSON.stringify(value)} is not a number in E.164 format`);
  return value;
}

function capability(b: Body): 'voice' | 'sms' {
  if (b.capability === undefined) return 'voice';
  if (typeof b.capability !== 'string' || !CAPABILITIES.includes(b.capability)) {
    throw parameterError(`capability must be one of ${CAPABILITIES.join(', ')}`);
  }
  return b.capability as 'voice' | 'sms';
}

function applicationKey(b: Body, fallback: string): string {
  if (b.applicationkey === undefined || b.applicationkey === '') return fallback;
  if (typeof b.applicationkey !== 'string') throw parameterError('applicationkey must be a string');
  return b.applicationkey;
}

const NUMBER_TYPES: Record<string, string> = {
  MOBILE: 'Mobile',
  FIXED_LINE: 'Fixed',
  FIXED_LINE_OR_MOBILE: 'Fixed',
};

// The application-management API (https://callingapi.sinch.com), served on the same port.
export function registerManagementRoutes(api: FastifyInstance, deps: SimDeps): void {
  const { settings, options } = deps;
  const sameKey = (key: string): boolean => key.toLowerCase() === options.applicationKey.toLowerCase();

  api.get('/v1/configuration/numbers', async () => ({
    numbers: [...settings.numbers.values()].map((n) => ({
      number: n.number,
      ...(n.applicationkey ? { applicationkey: n.applicationkey } : {}),
      capability: n.capability,
    })),
  }));

  api.post('/v1/configuration/numbers', async (req, reply) => {
    const b = sinchObject(req);
    const numbers = b.numbers;
    if (numbers === undefined) throw missingParameterError('numbers is required');
    if (!Array.isArray(numbers) || numbers.length < 1 || numbers.length > 100) {
      throw parameterError('numbers must be an array of 1 to 100 numbers in E.164 format');
    }
    for (const n of numbers) e164(n, 'numbers');
    const key = applicationKey(b, options.applicationKey);
    const cap = capability(b);
    // The simulated account owns whatever it is asked to assign, so a service can configure its own numbers.
    for (const number of numbers as string[]) {
      settings.numbers.set(number, { ...settings.numbers.get(number), number, applicationkey: key, capability: cap });
    }
    return reply.code(204).send();
  });

  api.delete('/v1/configuration/numbers', async (req, reply) => {
    const b = sinchObject(req);
    e164(b.number, 'number');
    const owned = settings.numbers.get(b.number as string);
    if (!owned) throw notFoundError(`Number ${b.number} not found`);
    const key = applicationKey(b, options.applicationKey);
    if (owned.applicationkey?.toLowerCase() !== key.toLowerCase()) {
      throw notFoundError(`Number ${b.number} is not assigned to application ${key}`);
    }
    capability(b);
    const { applicationkey: _unassigned, ...rest } = owned;
    settings.numbers.set(owned.number, rest);
    return reply.code(204).send();
  });

  api.get<{ Params: { applicationkey: string } }>('/v1/configuration/callbacks/applications/:applicationkey', async (req) => {
    if (!sameKey(req.params.applicationkey)) throw notFoundError(`Application ${req.params.applicationkey} not found`);
    return {
      url: {
        ...(settings.primaryUrl ? { primary: settings.primaryUrl } : {}),
        ...(settings.fallbackUrl ? { fallback: settings.fallbackUrl } : {}),
      },
    };
  });

  api.post<{ Params: { applicationkey: string } }>('/v1/configuration/callbacks/applications/:applicationkey', async (req, reply) => {
    if (!sameKey(req.params.applicationkey)) throw notFoundError(`Application ${req.params.applicationkey} not found`);
    const b = sinchObject(req);
    const url = b.url;
    if (!isRecord(url)) throw parameterError('url must be an object with primary and/or fallback');
    const { primary, fallback } = url;
    if (primary !== undefined && !isUrl(primary)) throw parameterError('url.primary must be an http(s) URL');
    if (fallback !== undefined && !isUrl(fallback)) throw parameterError('url.fallback must be an http(s) URL');
    if (primary !== undefined) settings.primaryUrl = primary;
    if (fallback !== undefined) settings.fallbackUrl = fallback;
    return reply.code(204).send();
  });

  api.get<{ Params: { number: string } }>('/v1/calling/query/number/:number', async (req) => {
    const input = req.params.number.replace(/\s/g, '');
    const parsed = parsePhoneNumberFromString(input.startsWith('+') ? input : `+${input}`);
    if (!parsed || !parsed.isPossible()) throw parameterError(`${req.params.number} is not a valid phone number`);
    const type = parsed.getType();
    // An owned number is described as the account knows it (its country and type set through /_sim/numbers).
    const owned = settings.numbers.get(parsed.number);
    return {
      number: {
        countryId: owned?.countryId ?? parsed.country ?? 'Unknown',
        numberType: owned?.numberType ?? (type === undefined ? 'Unknown' : (NUMBER_TYPES[type] ?? 'Other')),
        normalizedNumber: parsed.number,
        restricted: false,
        rate: money(options.currency, deps.rates.rateFor(parsed.number).perMinuteMicro),
      },
    };
  });
}
