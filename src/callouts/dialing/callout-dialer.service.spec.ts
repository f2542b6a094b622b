import { Registry } from 'prom-client';
import type { Call } from 'src/calls/call.entity';
import type { CallsService } from 'src/calls/calls.service';
import { loadConfig } from 'src/config/load-config';
import { classifyHttpError, classifyTransportError } from 'src/sinch/sinch-errors';
import type { SinchVoiceClient } from 'src/sinch/voice-client';
import type { ComplianceRefusal, ComplianceService } from 'src/compliance/compliance.service';
import { CalloutMetrics } from 'src/callouts/callout-metrics.service';
import type { Metrics } from 'src/metrics/metrics';
import { toStoredCallout } from 'src/callouts/stored-callout';
import { CalloutDialer } from './callout-dialer.service';

const ID = '2b0c6a4e-1111-4222-8333-444455556666';

function setup(call: Partial<Call>, send: () => Promise<{ callId: string }>) {
  const row = {
    id: ID,
    direction: 'outbound',
    kind: 'tts',
    state: 'queued',
    sinchCallId: null,
    dialStartedAt: null,
    dialAttempts: 0,
    toNumber: '+14155550100',
    campaignId: null,
    createdAt: new Date('2026-01-01T10:00:00Z'),
    request: toStoredCallout(
      { method: 'ttsCallout', request: { destination: { type: 'number', endpoint: '+14155550100' }, text: 'Hi', enableDice: true } },
      { orderId: 'A-1' },
    ),
    ...call,
  } as Call;
  const calls = {
    findById: jest.fn(async () => row),
    markDialStarted: jest.fn(async () => true),
    clearDialStarted: jest.fn(async () => undefined),
    recordDialError: jest.fn(async () => undefined),
    markInitiated: jest.fn(async () => true),
    markFailed: jest.fn(async () => true),
  };
  const sinch = { ttsCallout: jest.fn(send), conferenceCallout: jest.fn(send), customCallout: jest.fn(send) };
  const metrics = new CalloutMetrics({ registry: new Registry() } as Metrics, { getJobCounts: async () => ({}) } as never);
  const config = loadConfig({ CALLOUT_MAX_ATTEMPTS: '3', CALLOUT_RETRY_BASE_MS: '1000' });
  const compliance = { check: jest.fn(async (): Promise<ComplianceRefusal | null> => null) };
  const dialer = new CalloutDialer(
    calls as unknown as CallsService,
    sinch as unknown as SinchVoiceClient,
    config,
    metrics,
    compliance as unknown as ComplianceService,
  );
  return { dialer, calls, sinch, compliance };
}

describe('CalloutDialer', () => {
  it("marks the dial in flight, sends with our id in custom, stores Sinch's id", async () => {
    const { dialer, calls, sinch } = setup({}, async () => ({ callId: 'sinch-1' }));
    expect(await dialer.dial(ID)).toEqual({ outcome: 'placed', sinchCallId: 'sinch-1', attempt: 1 });
    expect(calls.markDialStarted).toHaveBeenCalledWith(ID);
    expect(sinch.ttsCallout).toHaveBeenCalledWith(expect.objectContaining({ custom: `{"cc":"${ID}","x":{"orderId":"A-1"}}`, text: 'Hi' }));
    expect(calls.markInitiated).toHaveBeenCalledWith(ID, 'sinch-1');
  });

  it('re-checks compliance right before dialling, counting only the calls queued before this one', async () => {
    const { dialer, compliance } = setup({ campaignId: 'c-1' }, async () => ({ callId: 'sinch-1' }));
    await dialer.dial(ID);
    expect(compliance.check).toHaveBeenCalledWith('+14155550100', { campaignId: 'c-1', queuedAt: new Date('2026-01-01T10:00:00Z') });
  });

  it('a number refused by compliance since it was queued fails the call with the rule, before the marker is set', async () => {
    const { dialer, calls, sinch, compliance } = setup({}, async () => ({ callId: 'x' }));
    compliance.check.mockResolvedValueOnce({ rule: 'do_not_call', message: 'the number is on the global do-not-call list' });
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'failed', reason: 'refused' });
    expect(calls.markFailed).toHaveBeenCalledWith(ID, { errorMessage: 'Not dialled (do_not_call): the number is on the global do-not-call list' });
    expect(calls.markDialStarted).not.toHaveBeenCalled();
    expect(sinch.ttsCallout).not.toHaveBeenCalled();
  });

  it("does not put a call to staff (a queue agent's leg) through the consumer checks", async () => {
    const request = toStoredCallout(
      { method: 'conferenceCallout', request: { destination: { type: 'number', endpoint: '+14155550100' }, conferenceId: 'qe-1' } },
      { qe: 'e-1', _staff: true },
    );
    const { dialer, sinch, compliance } = setup({ kind: 'conference', request: request as unknown as Call['request'] }, async () => ({ callId: 'sinch-1' }));
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'placed' });
    expect(compliance.check).not.toHaveBeenCalled();
    expect(sinch.conferenceCallout).toHaveBeenCalledWith(expect.objectContaining({ custom: `{"cc":"${ID}","x":{"qe":"e-1","_staff":true}}` }));
  });

  it('never dials a call whose earlier dial is unresolved (a recovered job)', async () => {
    const { dialer, calls, sinch } = setup({ dialStartedAt: new Date(), dialAttempts: 1 }, async () => ({ callId: 'x' }));
    expect(await dialer.dial(ID)).toEqual({ outcome: 'in_doubt', reason: 'recovered' });
    expect(calls.markDialStarted).not.toHaveBeenCalled();
    expect(sinch.ttsCallout).not.toHaveBeenCalled();
  });

  it.each([['initiated'], ['completed'], ['failed']])('does nothing for a %s call', async (state) => {
    const { dialer, sinch } = setup({ state: state as Call['state'] }, async () => ({ callId: 'x' }));
    expect(await dialer.dial(ID)).toEqual({ outcome: 'skipped', reason: 'not_queued' });
    expect(sinch.ttsCallout).not.toHaveBeenCalled();
  });

  it('does not dial when another worker won the in-flight marker', async () => {
    const { dialer, calls, sinch } = setup({}, async () => ({ callId: 'x' }));
    calls.markDialStarted.mockResolvedValueOnce(false);
    expect(await dialer.dial(ID)).toEqual({ outcome: 'skipped', reason: 'raced' });
    expect(sinch.ttsCallout).not.toHaveBeenCalled();
  });

  it('a 429 clears the marker, keeps the error and asks to slow the queue, honouring Retry-After', async () => {
    const { dialer, calls } = setup({}, async () => {
      throw classifyHttpError(429, { errorCode: 42900, message: 'capacity' }, '3');
    });
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'retry', rateLimited: true, delayMs: 3000, attempt: 1 });
    expect(calls.clearDialStarted).toHaveBeenCalledWith(ID, { errorCode: 42900, errorMessage: expect.stringContaining('429') });
  });

  it('a timeout leaves the marker set and never retries', async () => {
    const { dialer, calls } = setup({}, async () => {
      throw classifyTransportError(new DOMException('timed out', 'TimeoutError'), true, 'POST /calling/v1/callouts');
    });
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'in_doubt', reason: 'ambiguous' });
    expect(calls.clearDialStarted).not.toHaveBeenCalled();
    expect(calls.markFailed).not.toHaveBeenCalled();
    expect(calls.recordDialError).toHaveBeenCalledWith(ID, { errorMessage: expect.stringContaining('timed out') });
  });

  it("a 4xx fails the call with Sinch's errorCode", async () => {
    const { dialer, calls } = setup({}, async () => {
      throw classifyHttpError(400, { errorCode: 40001, message: 'bad' });
    });
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    expect(calls.markFailed).toHaveBeenCalledWith(ID, { errorCode: 40001, errorMessage: expect.stringContaining('400') });
  });

  it('the last allowed attempt failing fails the call with the last error', async () => {
    const { dialer, calls } = setup({ dialAttempts: 2 }, async () => {
      throw classifyHttpError(503, { errorCode: 50300, message: 'down' });
    });
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'failed', reason: 'exhausted', attempt: 3 });
    expect(calls.markFailed).toHaveBeenCalledWith(ID, { errorCode: 50300, errorMessage: expect.stringMatching(/^Gave up after 3 attempts/) });
    expect(calls.clearDialStarted).not.toHaveBeenCalled();
  });

  it('a row it cannot dial fails before the marker is set', async () => {
    const { dialer, calls, sinch } = setup({ request: {} }, async () => ({ callId: 'x' }));
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    expect(calls.markDialStarted).not.toHaveBeenCalled();
    expect(sinch.ttsCallout).not.toHaveBeenCalled();
  });

  it('sends each stored method through its own client method', async () => {
    const conference = toStoredCallout({
      method: 'conferenceCallout',
      request: { destination: { type: 'number', endpoint: '+14155550100' }, conferenceId: 'room' },
    });
    const custom = toStoredCallout({ method: 'customCallout', request: { ice: { action: { name: 'connectPstn', number: '+14155550100' } } } });
    for (const [request, method] of [
      [conference, 'conferenceCallout'],
      [custom, 'customCallout'],
    ] as const) {
      const { dialer, sinch } = setup({ kind: method === 'customCallout' ? 'custom' : 'conference', request: request as never }, async () => ({
        callId: 'sinch-2',
      }));
      expect(await dialer.dial(ID)).toMatchObject({ outcome: 'placed', sinchCallId: 'sinch-2' });
      expect(sinch[method]).toHaveBeenCalledWith({ ...request.request, custom: `{"cc":"${ID}"}` });
      expect(sinch.ttsCallout).not.toHaveBeenCalled();
    }
  });

  it('an old-shape row ({ sinch }) is not dialled: the migration converts those', async () => {
    const { dialer, calls, sinch } = setup({ request: { sinch: { text: 'Hi' } } }, async () => ({ callId: 'x' }));
    expect(await dialer.dial(ID)).toMatchObject({ outcome: 'failed', reason: 'rejected' });
    expect(calls.markDialStarted).not.toHaveBeenCalled();
    expect(sinch.ttsCallout).not.toHaveBeenCalled();
  });
});
