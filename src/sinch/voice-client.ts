import { SinchHttp, pathSegment } from 'src/sinch/sinch-http';
import { assertValidSvaml, canonicalizeSvaml, SvamlValidationError } from 'src/sinch/svaml/svaml.validator';
import { push, type Out } from 'src/sinch/svaml/svaml.rules';
import { withRecordingDefaults } from 'src/sinch/svaml/recording-defaults';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { toCallInformation, toCallbackUrls, toCalloutResponse, toConferenceInfo, toNumberQuery, toNumbers } from 'src/sinch/voice-client.mappers';
import type {
  AssignNumbersRequest,
  CallInformation,
  CallLeg,
  CallbackUrls,
  CalloutResponse,
  ConferenceCalloutRequest,
  ConferenceInfo,
  CustomCalloutRequest,
  ManageParticipantRequest,
  NumberInformation,
  NumberQueryResult,
  SinchClientOptions,
  TtsCalloutRequest,
  UnassignNumberRequest,
} from 'src/sinch/voice-client.types';
import {
  requirePathValue,
  throwIfViolations,
  validateCallbackUrls,
  validateConferenceCallout,
  validateCustomCallout,
  validateManageParticipant,
  validateNumbers,
  validateTtsCallout,
} from 'src/sinch/voice-request.validator';

export type * from 'src/sinch/voice-client.types';
export { SinchRequestValidationError } from 'src/sinch/voice-request.validator';

// Hosts from the OpenAPI `servers` and README.md: the global host redirects to a region; conferences are regional,
// so everything in one conference must use the same regional host.
const VOICE_HOSTS: Readonly<Record<string, string>> = {
  global: 'https://calling.api.sinch.com',
  use1: 'https://calling-use1.api.sinch.com',
  euc1: 'https://calling-euc1.api.sinch.com',
  sae1: 'https://calling-sae1.api.sinch.com',
  apse1: 'https://calling-apse1.api.sinch.com',
  apse2: 'https://calling-apse2.api.sinch.com',
};

export const SINCH_MANAGEMENT_URL = 'https://callingapi.sinch.com';

export function regionVoiceUrl(region?: string): string {
  const key = (region ?? '').trim().toLowerCase() || 'global';
  const host = VOICE_HOSTS[key];
  if (!host) throw new Error(`Unknown Sinch region "${region}" (expected one of ${Object.keys(VOICE_HOSTS).join(', ')})`);
  return host;
}

// callLeg PATCH: "only used when using the PlayFiles and Say instructions" (voice-api-openapi.txt).
const LEG_INSTRUCTIONS = new Set(['playFiles', 'say']);

// Our own Voice REST client (docs/decisions/0001-own-sinch-client.md). Every request is validated against the
// spec's limits before it leaves, signed, bounded by `timeoutMs`, and every failure is a SinchApiError (or a
// SinchRequestValidationError / SvamlValidationError when we refused to send it).
export class SinchVoiceClient {
  private readonly http: SinchHttp;

  constructor(private readonly options: SinchClientOptions) {
    this.http = new SinchHttp({
      applicationKey: options.applicationKey,
      applicationSecret: options.applicationSecret,
      timeoutMs: options.timeoutMs,
      auth: options.auth ?? 'signed',
    });
  }

  get voiceUrl(): string {
    return this.options.voiceUrl;
  }

  async ttsCallout(request: TtsCalloutRequest): Promise<CalloutResponse> {
    throwIfViolations(validateTtsCallout(request));
    return toCalloutResponse(await this.voice('POST', '/calling/v1/callouts', { method: 'ttsCallout', ttsCallout: request }));
  }

  async conferenceCallout(request: ConferenceCalloutRequest): Promise<CalloutResponse> {
    throwIfViolations(validateConferenceCallout(request));
    const body = { method: 'conferenceCallout', conferenceCallout: request };
    return toCalloutResponse(await this.voice('POST', '/calling/v1/callouts', body));
  }

  async customCallout(request: CustomCalloutRequest): Promise<CalloutResponse> {
    throwIfViolations(validateCustomCallout(request));
    // customCalloutRequest.ice/ace/pie are strings: inline SVAML travels as escaped JSON.
    const inline = (v: Svaml | string | undefined) =>
      v === undefined || typeof v === 'string' ? v : JSON.stringify(canonicalizeSvaml(withRecordingDefaults(v, this.options.recording)));
    const customCallout = { ...request, ice: inline(request.ice), ace: inline(request.ace), pie: inline(request.pie) };
    return toCalloutResponse(await this.voice('POST', '/calling/v1/callouts', { method: 'customCallout', customCallout }));
  }

  async getCall(callId: string): Promise<CallInformation> {
    requirePathValue(callId, 'callId');
    return toCallInformation(await this.voice('GET', `/calling/v1/calls/id/${pathSegment(callId)}`));
  }

  async manageCall(callId: string, svaml: Svaml): Promise<void> {
    requirePathValue(callId, 'callId');
    const body = assertValidSvaml(withRecordingDefaults(svaml, this.options.recording), 'patch');
    await this.voice('PATCH', `/calling/v1/calls/id/${pathSegment(callId)}`, body);
  }

  async manageCallLeg(callId: string, leg: CallLeg, svaml: Svaml): Promise<void> {
    requirePathValue(callId, 'callId');
    const out: Out = [];
    if (!['caller', 'callee', 'both'].includes(leg)) push(out, 'callLeg', 'enum', 'callLeg must be caller, callee or both');
    const body = assertValidSvaml(svaml, 'patch');
    body.instructions?.forEach((ins, i) => {
      if (!LEG_INSTRUCTIONS.has(ins.name)) {
        push(out, `instructions[${i}].name`, 'not_allowed_in_context', `${ins.name} is not allowed on a call leg (playFiles, say)`);
      }
    });
    if (out.length > 0) throw new SvamlValidationError(out, 'patch');
    await this.voice('PATCH', `/calling/v1/calls/id/${pathSegment(callId)}/leg/${leg}`, body);
  }

  async getConference(conferenceId: string): Promise<ConferenceInfo> {
    requirePathValue(conferenceId, 'conferenceId');
    return toConferenceInfo(await this.voice('GET', this.conferencePath(conferenceId)));
  }

  async kickConferenceAll(conferenceId: string): Promise<void> {
    requirePathValue(conferenceId, 'conferenceId');
    await this.voice('DELETE', this.conferencePath(conferenceId));
  }

  async kickConferenceParticipant(conferenceId: string, callId: string): Promise<void> {
    requirePathValue(conferenceId, 'conferenceId');
    requirePathValue(callId, 'callId');
    await this.voice('DELETE', `${this.conferencePath(conferenceId)}/${pathSegment(callId)}`);
  }

  async manageConferenceParticipant(conferenceId: string, callId: string, request: ManageParticipantRequest): Promise<void> {
    requirePathValue(conferenceId, 'conferenceId');
    requirePathValue(callId, 'callId');
    throwIfViolations(validateManageParticipant(request));
    await this.voice('PATCH', `${this.conferencePath(conferenceId)}/${pathSegment(callId)}`, request);
  }

  async listNumbers(): Promise<NumberInformation[]> {
    return toNumbers(await this.management('GET', '/v1/configuration/numbers'));
  }

  async assignNumbers(request: AssignNumbersRequest): Promise<void> {
    // updateNumbers.numbers: minItems 1, maxItems 100.
    throwIfViolations(validateNumbers(request.numbers, 'numbers', 100));
    const { numbers, applicationKey, capability } = request;
    await this.management('POST', '/v1/configuration/numbers', { numbers, applicationkey: applicationKey, capability });
  }

  async unassignNumber(request: UnassignNumberRequest): Promise<void> {
    throwIfViolations(validateNumbers([request.number], 'number', 1));
    const { number, applicationKey, capability } = request;
    await this.management('DELETE', '/v1/configuration/numbers', { number, applicationkey: applicationKey, capability });
  }

  async getCallbackUrls(applicationKey: string = this.options.applicationKey): Promise<CallbackUrls> {
    requirePathValue(applicationKey, 'applicationKey');
    return toCallbackUrls(await this.management('GET', this.callbacksPath(applicationKey)));
  }

  async updateCallbackUrls(urls: CallbackUrls, applicationKey: string = this.options.applicationKey): Promise<void> {
    requirePathValue(applicationKey, 'applicationKey');
    throwIfViolations(validateCallbackUrls(urls));
    await this.management('POST', this.callbacksPath(applicationKey), { url: urls });
  }

  async queryNumber(number: string): Promise<NumberQueryResult> {
    throwIfViolations(validateNumbers([number], 'number', 1));
    return toNumberQuery(await this.management('GET', `/v1/calling/query/number/${pathSegment(number)}`));
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private conferencePath(conferenceId: string): string {
    return `/calling/v1/conferences/id/${pathSegment(conferenceId)}`;
  }

  private callbacksPath(applicationKey: string): string {
    return `/v1/configuration/callbacks/applications/${pathSegment(applicationKey)}`;
  }

  private voice(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return this.http.send(this.options.voiceUrl, method, path, body);
  }

  private management(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return this.http.send(this.options.managementUrl, method, path, body);
  }
}
