import type { FastifyInstance } from 'fastify';
import { parseCallout } from 'src/simulator/http/callout-validation';
import { callApiView } from 'src/simulator/calls/call-views';
import { PARTICIPANT_COMMANDS, type ParticipantCommand } from 'src/simulator/calls/conference-rooms';
import { sinchJson, type SimDeps } from 'src/simulator/http/http-support';
import { callNotFoundError, notFoundError, parameterError } from 'src/simulator/http/sim-errors';
import { isRecord } from 'src/sinch/json';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

type CallParams = { Params: { callId: string } };
type LegParams = { Params: { callId: string; callLeg: string } };
type ConfParams = { Params: { conferenceId: string } };
type ParticipantParams = { Params: { conferenceId: string; callId: string } };

const LEGS = ['caller', 'callee', 'both'];
const MOH = ['ring', 'music1', 'music2', 'music3'];

function manageBody(body: unknown): Svaml {
  if (body === undefined) throw parameterError('Request body with SVAML instructions and/or action is required');
  const violations = validateSvaml(body, 'patch');
  if (violations.length > 0) {
    throw parameterError(
      `Invalid SVAML: ${violations
        .slice(0, 3)
        .map((v) => v.message)
        .join('; ')}`,
    );
  }
  return body as Svaml;
}

function participantCommand(body: unknown): { command: ParticipantCommand; moh?: string } {
  const b = isRecord(body) ? body : {};
  if (typeof b.command !== 'string' || !PARTICIPANT_COMMANDS.includes(b.command as ParticipantCommand)) {
    throw parameterError(`command must be one of ${PARTICIPANT_COMMANDS.join(', ')}`);
  }
  if (b.moh !== undefined && (typeof b.moh !== 'string' || !MOH.includes(b.moh))) {
    throw parameterError(`moh must be one of ${MOH.join(', ')}`);
  }
  return { command: b.command as ParticipantCommand, moh: b.moh as string | undefined };
}

// The Calling API (https://calling.api.sinch.com): callouts, calls and conferences, with the status codes of
// the OpenAPI document (204 for PATCH call and kick-all, 200 for the others).
export function registerCallingRoutes(api: FastifyInstance, deps: SimDeps): void {
  const { engine, rooms, options } = deps;

  api.post('/calling/v1/callouts', async (req) => {
    const call = engine.start(parseCallout(sinchJson(req)));
    return { callId: call.callId };
  });

  api.get<CallParams>('/calling/v1/calls/id/:callId', async (req) => {
    const s = engine.get(req.params.callId);
    if (!s) throw callNotFoundError(req.params.callId);
    return callApiView(s, options.currency, options.billingIncrementS);
  });

  api.patch<CallParams>('/calling/v1/calls/id/:callId', async (req, reply) => {
    const doc = manageBody(sinchJson(req));
    engine.manage(req.params.callId, doc);
    return reply.code(204).send();
  });

  api.patch<LegParams>('/calling/v1/calls/id/:callId/leg/:callLeg', async (req, reply) => {
    if (!LEGS.includes(req.params.callLeg)) throw parameterError(`callLeg must be one of ${LEGS.join(', ')}`);
    const doc = manageBody(sinchJson(req));
    engine.manage(req.params.callId, doc);
    return reply.code(200).send();
  });

  api.get<ConfParams>('/calling/v1/conferences/id/:conferenceId', async (req) => {
    const { conferenceId } = req.params;
    if (!rooms.isActive(conferenceId)) throw notFoundError(`Conference ${conferenceId} not found`);
    return rooms.apiView(conferenceId);
  });

  api.delete<ConfParams>('/calling/v1/conferences/id/:conferenceId', async (req, reply) => {
    const { conferenceId } = req.params;
    if (!rooms.isActive(conferenceId)) throw notFoundError(`Conference ${conferenceId} not found`);
    for (const callId of rooms.participantIds(conferenceId)) engine.kick(callId);
    return reply.code(204).send();
  });

  api.patch<ParticipantParams>('/calling/v1/conferences/id/:conferenceId/:callId', async (req, reply) => {
    const { conferenceId, callId } = req.params;
    const { command, moh } = participantCommand(sinchJson(req));
    if (!rooms.has(conferenceId, callId)) {
      throw notFoundError(`Participant ${callId} not found in conference ${conferenceId}`);
    }
    rooms.command(conferenceId, callId, command, moh);
    const s = engine.get(callId);
    if (s) engine.note(s, `conference ${command}`, { conferenceId, ...(moh ? { moh } : {}) });
    return reply.code(200).send();
  });

  api.delete<ParticipantParams>('/calling/v1/conferences/id/:conferenceId/:callId', async (req, reply) => {
    const { conferenceId, callId } = req.params;
    if (!rooms.has(conferenceId, callId)) {
      throw notFoundError(`Participant ${callId} not found in conference ${conferenceId}`);
    }
    engine.kick(callId);
    return reply.code(200).send();
  });
}
