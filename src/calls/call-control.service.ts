import { Injectable } from '@nestjs/common';
import { Call } from 'src/calls/call.entity';
import { isFinalState } from 'src/calls/call-state';
import type { ManageCallResult } from 'src/calls/dto/manage-call.result';
import { CallsService } from 'src/calls/calls.service';
import type { ManageCallDto } from 'src/calls/dto/manage-call.dto';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { assertValidSvaml, SvamlValidationError } from 'src/sinch/svaml/svaml.validator';
import type { Svaml, SvamlAction, SvamlInstruction } from 'src/sinch/svaml/svaml.types';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { CallsError } from 'src/calls/calls.errors';

// Acting on a live call through Sinch's ManageCall (PATCH /calling/v1/calls/id/{callId}).
@Injectable()
export class CallControlService {
  constructor(
    private readonly calls: CallsService,
    private readonly client: SinchVoiceClient,
  ) {}

  hangup(id: string): Promise<ManageCallResult> {
    return this.send(id, buildSvaml(svaml.hangup()));
  }

  manage(id: string, dto: ManageCallDto): Promise<ManageCallResult> {
    return this.send(id, buildManageSvaml(dto));
  }

  private async send(id: string, doc: Svaml): Promise<ManageCallResult> {
    const call = await this.liveCall(id);
    let body: Svaml;
    try {
      body = assertValidSvaml(doc, 'patch');
    } catch (error) {
      if (!(error instanceof SvamlValidationError)) throw error;
      const details = error.violations.map((v) => ({ field: v.path, rule: v.rule, message: v.message }));
      throw new CallsError('invalid_call_action', error.message, details);
    }
    try {
      await this.client.manageCall(call.sinchCallId, body);
    } catch (error) {
      throw toAppError(error);
    }
    return { id: call.id, sinchCallId: call.sinchCallId, svaml: body as Record<string, unknown> };
  }

  private async liveCall(id: string): Promise<Call & { sinchCallId: string }> {
    const call = await this.calls.findById(id);
    if (!call) throw new CallsError('call_not_found', `Call ${id} not found`);
    if (isFinalState(call.state)) throw new CallsError('call_ended', `Call ${id} has ended (${call.state})`);
    if (!call.sinchCallId) throw new CallsError('call_not_at_sinch', `Call ${id} has not reached Sinch yet (no Sinch call id)`);
    return call as Call & { sinchCallId: string };
  }
}

export function buildManageSvaml(dto: ManageCallDto): Svaml {
  if (dto.park && dto.hangup) {
    const message = 'park and hangup are both actions; send one';
    throw new CallsError('invalid_call_action', message, [{ field: 'hangup', rule: 'oneAction', message }]);
  }
  const instructions: SvamlInstruction[] = [];
  if (dto.say) instructions.push(svaml.say(dto.say.text, dto.say.locale));
  if (dto.play) instructions.push(svaml.playFiles(dto.play.files, dto.play.locale));
  if (dto.dtmf) instructions.push(svaml.sendDtmf(dto.dtmf.digits));
  let action: SvamlAction | undefined;
  if (dto.park) {
    const { introPrompt, holdPrompt, maxDuration, locale } = dto.park;
    action = svaml.park(Object.fromEntries(Object.entries({ introPrompt, holdPrompt, maxDuration, locale }).filter(([, v]) => v !== undefined)));
  } else if (dto.hangup) {
    action = svaml.hangup();
  }
  if (!action && instructions.length === 0) {
    const message = 'send at least one of say, play, dtmf, park, hangup';
    throw new CallsError('invalid_call_action', message, [{ field: 'body', rule: 'notEmpty', message }]);
  }
  return buildSvaml(action ?? svaml.continue(), ...instructions);
}

// Sinch's refusal as our error: its errorCode in the message, 404 kept as 404, anything else a 502.
function toAppError(error: unknown): unknown {
  if (!(error instanceof SinchApiError)) return error;
  const code = error.errorCode ? ` (errorCode ${error.errorCode})` : '';
  if (error.status === 404) return new CallsError('sinch_call_not_found', `Sinch does not know this call${code}`);
  return new CallsError('sinch_refused', `Sinch refused the request${code}: ${error.message}`);
}
