import { plainToInstance } from 'class-transformer';
import { calloutViolations, planCallout } from './callout-request';
import { ConferenceCalloutDto } from 'src/callouts/dto/conference-callout.dto';
import { CustomCalloutDto } from 'src/callouts/dto/custom-callout.dto';
import { TtsCalloutDto } from 'src/callouts/dto/tts-callout.dto';

const tts = (o: Partial<TtsCalloutDto>) => plainToInstance(TtsCalloutDto, { type: 'tts', destination: '+46 70 123 45 67', text: 'Hello', ...o });
const conf = (o: Partial<ConferenceCalloutDto>) =>
  plainToInstance(ConferenceCalloutDto, { type: 'conference', destination: '+14155550100', conferenceId: 'room-1', ...o });
const custom = (o: Partial<CustomCalloutDto>) => plainToInstance(CustomCalloutDto, { type: 'custom', destination: '+14155550100', ...o });

describe('planCallout', () => {
  it('builds a tts callout with the number normalised and the DiCE on', () => {
    const result = planCallout(tts({ cli: '+1 415 555 0101', dtmf: 'ww1#', locale: 'en-US' }));
    expect(result).toEqual({
      ok: true,
      plan: {
        kind: 'tts',
        toNumber: '+46701234567',
        country: 'SE',
        fromNumber: '+14155550101',
        callout: {
          method: 'ttsCallout',
          request: {
            destination: { type: 'number', endpoint: '+46701234567' },
            cli: '+14155550101',
            dtmf: 'ww1#',
            locale: 'en-US',
            text: 'Hello',
            enableDice: true,
          },
        },
      },
    });
  });

  it("builds a conference callout in Sinch's spelling", () => {
    const result = planCallout(conf({ moh: 'music2', greeting: 'Welcome', dtmfOptions: { mode: 'detect', maxDigits: 2 }, maxDuration: 600 }));
    expect(result.ok && result.plan).toMatchObject({
      kind: 'conference',
      conferenceId: 'room-1',
      callout: {
        method: 'conferenceCallout',
        request: { conferenceId: 'room-1', mohClass: 'music2', greeting: 'Welcome', conferenceDtmfOptions: { mode: 'detect', maxDigits: 2 }, maxDuration: 600 },
      },
    });
  });

  it('builds a custom callout: instructions, then connectPstn to the destination; ACE continues inline', () => {
    const result = planCallout(
      custom({
        cli: '+14155550101',
        maxDuration: 60,
        record: true,
        ice: { instructions: [{ name: 'say', text: 'Hi' }], action: { name: 'connectPstn', dialTimeout: 20 } as never },
      }),
    );
    expect(result.ok && result.plan.callout.request).toEqual({
      ice: {
        instructions: [
          { name: 'say', text: 'Hi' },
          { name: 'startRecording', options: { notificationEvents: true } },
        ],
        action: { name: 'connectPstn', number: '+14155550100', dialTimeout: 20, cli: '+14155550101', maxDuration: 60 },
      },
      ace: { action: { name: 'continue' } },
    });
  });

  it('refuses an ICE action other than connectPstn, or one with its own number', () => {
    expect(planCallout(custom({ ice: { action: { name: 'park' } } }))).toMatchObject({
      ok: false,
      problems: [{ field: 'ice.action.name', rule: 'connect_pstn_only' }],
    });
    expect(planCallout(custom({ ice: { action: { name: 'connectPstn', number: '+14155550199' } } }))).toMatchObject({
      ok: false,
      problems: [{ field: 'ice.action.number', rule: 'not_allowed' }],
    });
  });

  it('reports SVAML violations under the API field names', () => {
    const result = planCallout(custom({ ice: { instructions: [{ name: 'say', text: 'x'.repeat(601) }] }, ace: { action: { name: 'park' } } }));
    expect(result.ok).toBe(false);
    const fields = !result.ok ? result.problems.map((p) => `${p.field}:${p.rule}`) : [];
    expect(fields).toEqual(expect.arrayContaining(['ice.instructions[0].text:max_length', 'ace.action.name:not_allowed_in_context']));
  });

  it("refuses custom data that would make Sinch's custom exceed 1024 bytes", () => {
    expect(planCallout(tts({ custom: { note: 'x'.repeat(1000) } }))).toMatchObject({ ok: false, problems: [{ field: 'custom', rule: 'max_bytes' }] });
    expect(planCallout(tts({ custom: { note: 'x'.repeat(900) } })).ok).toBe(true);
  });

  it('refuses a destination that is not a dialable number', () => {
    expect(planCallout(tts({ destination: '+4670' }))).toMatchObject({ ok: false, problems: [{ field: 'destination' }] });
  });

  it('asks for an ACE when a tts or conference callout is recorded', () => {
    const result = planCallout(tts({ record: true }));
    expect(result.ok && result.plan.callout.request).toMatchObject({ enableAce: true, enableDice: true });
  });

  it('calloutViolations checks any placed request, custom included, under Sinch paths', () => {
    const request = { ice: { action: { name: 'connectPstn', number: '0701234567' } } } as never;
    expect(calloutViolations({ method: 'customCallout', request })).toEqual([expect.objectContaining({ path: 'customCallout.ice.action.number' })]);
    expect(
      calloutViolations(
        { method: 'customCallout', request: { ice: { action: { name: 'connectPstn', number: '+14155550100' } } } as never },
        { note: 'x'.repeat(1000) },
      ),
    ).toEqual([expect.objectContaining({ path: 'customCallout.custom', rule: 'max_bytes' })]);
    expect(calloutViolations({ method: 'ttsCallout', request: { destination: { type: 'number', endpoint: '+14155550100' }, text: 'Hi' } })).toEqual([]);
  });
});
