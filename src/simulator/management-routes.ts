import type { FastifyInstance } from 'fastify';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { money } from 'src/simulator/callback-bodies';
import { isUrl, sinchJson, type SimDeps } from 'src/simulator/http-support';
import { notFoundError, parameterError } from 'src/simulator/sim-errors';
import { isRecord } from 'src/sinch/json';

const E164 = /^\+[1-9]\d{6,14}$/;
const CAPABILITIES = ['voice', 'sms'];

type Body = Record<string, unknown>;
const asBody = (value: unknown): Body => {
  if (!isRecord(value)) throw parameterError('Request body must be a JSON object');
  return value;
};

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
    const b = asBody(sinchJson(req));
    const numbers = b.numbers;
    if (!Array.isArray(numbers) || numbers.length < 1 || numbers.length > 100) {
      throw parameterError('numbers must be an array of 1 to 100 numbers in E.164 format');
    }
    const bad = numbers.find((n) => typeof n !== 'string' || !E164.test(n));
    if (bad !== undefined) throw parameterError(`numbers: ${JSON.stringify(bad)} is not a number in E.164 format`);
    const key = applicationKey(b, options.applicationKey);
    const cap = capability(b);
    // The simulated account owns whatever it is asked to assign, so a service can configure its own numbers.
    for (const number of numbers as string[]) settings.numbers.set(number, { number, applicationkey: key, capability: cap });
    return reply.code(204).send();
  });

  api.delete('/v1/configuration/numbers', async (req, reply) => {
    const b = asBody(sinchJson(req));
    if (typeof b.number !== 'string' || !E164.test(b.number)) throw parameterError('number must be a number in E.164 format');
    const owned = settings.numbers.get(b.number);
    if (!owned) throw notFoundError(`Number ${b.number} not found`);
    const key = applicationKey(b, options.applicationKey);
    if (owned.applicationkey?.toLowerCase() !== key.toLowerCase()) {
      throw notFoundError(`Number ${b.number} is not assigned to application ${key}`);
    }
    capability(b);
    settings.numbers.set(b.number, { number: b.number, capability: owned.capability });
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
    const b = asBody(sinchJson(req));
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
    return {
      number: {
        countryId: parsed.country ?? 'Unknown',
        numberType: type === undefined ? 'Unknown' : (NUMBER_TYPES[type] ?? 'Other'),
        normalizedNumber: parsed.number,
        restricted: false,
        rate: money(options.currency, deps.rates.rateFor(parsed.number).perMinuteMicro),
      },
    };
  });
}
