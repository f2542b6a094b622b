import type { FastifyRequest } from 'fastify';
import type { AppSettings } from 'src/simulator/app-settings';
import type { RateTable } from 'src/simulator/calls/billing';
import type { CallEngine } from 'src/simulator/calls/call-engine';
import type { ConferenceRooms } from 'src/simulator/calls/conference-rooms';
import type { EventLog } from 'src/simulator/event-log';
import type { Faults } from 'src/simulator/faults';
import type { OutcomeRules } from 'src/simulator/outcome-rules';
import type { SeededStreams } from 'src/simulator/prng';
import type { Scheduler } from 'src/simulator/sim-clock';
import { controlInput, invalidRequestError, parameterError } from 'src/simulator/http/sim-errors';
import type { ResolvedOptions } from 'src/simulator/simulator.types';
import { isRecord } from 'src/sinch/json';

// Everything the route modules need; built once by createSimulator().
export interface SimDeps {
  options: ResolvedOptions;
  engine: CallEngine;
  rooms: ConferenceRooms;
  settings: AppSettings;
  events: EventLog;
  rules: OutcomeRules;
  faults: Faults;
  rates: RateTable;
  streams: SeededStreams;
  scheduler: Scheduler;
  reset(): Promise<void>;
}

// Bodies arrive as raw bytes (signatures are computed over them); JSON is parsed here, per API family.
function parse(req: FastifyRequest): { ok: true; value: unknown } | { ok: false } {
  const raw = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function sinchJson(req: FastifyRequest): unknown {
  const parsed = parse(req);
  if (!parsed.ok) throw parameterError('Request body is not valid JSON');
  return parsed.value;
}

// A POST/PUT/PATCH body that must be a JSON object: no body at all is Sinch's 40003 "Request data missing".
export function sinchObject(req: FastifyRequest): Record<string, unknown> {
  const value = sinchJson(req);
  if (value === undefined || value === null) throw invalidRequestError();
  if (typeof value !== 'object' || Array.isArray(value)) throw parameterError('Request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function controlJson(req: FastifyRequest): Record<string, unknown> {
  const parsed = parse(req);
  if (!parsed.ok) throw controlInput('body', 'is not valid JSON');
  const value = parsed.value ?? {};
  if (!isRecord(value)) throw controlInput('body', 'must be a JSON object');
  return value;
}

export function rawJsonOrNull(req: FastifyRequest): unknown {
  const parsed = parse(req);
  if (parsed.ok) return parsed.value ?? null;
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8').slice(0, 500) : null;
}

export function isUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
