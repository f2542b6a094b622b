import type { CampaignMessage } from 'src/campaigns/campaign.entity';
import {
  abandonText,
  aceAnswer,
  agentWhisper,
  calleeEntryId,
  menuAction,
  pieAnswer,
  spokenNumber,
  type CampaignScript,
} from 'src/campaigns/dialer/campaign-answers';
import { AGENTLESS } from 'src/campaigns/dialer/dial-mode';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';

const tts: CampaignMessage = { type: 'tts', text: 'Hello {{firstName}}, your appointment is tomorrow.' };
// The IVR's keys: the action each one returns, the SVAML action the PIE answers it with and what the callee then hears.
const keys = [
  { digit: '1', action: 'confirm', answer: 'hangup', said: undefined },
  { digit: '9', action: 'opt_out', answer: 'hangup', said: 'Done, Ann.' },
  { digit: '0', action: 'agent', answer: 'connectPstn', said: 'Please hold while we connect you.' },
] as const;
const ivr: CampaignMessage = {
  type: 'ivr',
  prompt: 'Hello {{firstName}}. Press 1 to confirm, 9 to stop these calls, 0 for an agent.',
  options: keys.map(({ digit, action }) => ({ digit, action })),
  transferNumber: '+14045001999',
  optOutText: 'Done, {{firstName}}.',
};
const script = (over: Partial<CampaignScript> = {}): CampaignScript => ({
  id: 'c',
  name: 'Spring renewals',
  dialing: AGENTLESS,
  status: 'running',
  locale: 'en-US',
  message: tts,
  machineAction: 'hangup',
  machineMessage: null,
  ...over,
});
const vars = { firstName: 'Ann' };
const human = { status: 'human' };
const machine = { status: 'machine' };

describe('campaign answers', () => {
  it('reads the rendered message to a person and hangs up', () => {
    const doc = aceAnswer(script(), vars, human);
    expect(doc).toEqual({ instructions: [{ name: 'say', text: 'Hello Ann, your appointment is tomorrow.', locale: 'en-US' }], action: { name: 'hangup' } });
    expect(validateSvaml(doc, 'ace')).toEqual([]);
  });

  it('hangs up on a machine, or leaves the message when asked to', () => {
    expect(aceAnswer(script(), vars, machine)).toEqual({ action: { name: 'hangup' } });
    const left = aceAnswer(script({ machineAction: 'message', machineMessage: 'Hi {{firstName}}, call us back.' }), vars, machine);
    expect(left.instructions).toEqual([{ name: 'say', text: 'Hi Ann, call us back.', locale: 'en-US' }]);
  });

  it('treats an unsure AMD as a person', () => {
    expect(aceAnswer(script(), vars, { status: 'notsure' }).instructions).toHaveLength(1);
    expect(aceAnswer(script(), vars, undefined).instructions).toHaveLength(1);
  });

  it('runs the IVR menu, returning the action names', () => {
    const doc = aceAnswer(script({ message: ivr }), vars, human);
    expect(validateSvaml(doc, 'ace')).toEqual([]);
    const options = keys.map(({ digit, action }) => ({ dtmf: digit, action: `return(${action})` }));
    const mainPrompt = '#tts[Hello Ann. Press 1 to confirm, 9 to stop these calls, 0 for an agent.]';
    expect(doc.action).toMatchObject({ name: 'runMenu', menus: [{ id: 'main', mainPrompt, options }] });
  });

  it.each(keys)('answers $action with $answer', ({ action, answer, said }) => {
    const decision = pieAnswer(script({ message: ivr }), vars, '+14045001000', { type: 'return', value: action });
    expect(decision.action).toBe(action);
    expect(decision.svaml.action?.name).toBe(answer);
    expect(validateSvaml(decision.svaml, 'pie')).toEqual([]);
    if (said) expect(decision.svaml.instructions?.[0]).toMatchObject({ text: said });
  });

  it('transfers with the caller id the callee saw', () => {
    const decision = pieAnswer(script({ message: ivr }), vars, '+14045001000', { type: 'return', value: 'agent' });
    expect(decision.svaml.action).toEqual({ name: 'connectPstn', number: '+14045001999', cli: '+14045001000', locale: 'en-US' });
  });

  it('hangs up on a timeout, an invalid key or a result it does not know', () => {
    for (const result of [{ type: 'timeout' }, { type: 'invalidinput', value: '5' }, { type: 'return', value: 'something' }]) {
      expect(pieAnswer(script({ message: ivr }), vars, '+1', result)).toEqual({ svaml: { action: { name: 'hangup' } } });
    }
    expect(menuAction({ type: 'sequence', value: '1' })).toBeUndefined();
  });

  it('an abandoned callee hears who called (campaign, caller id read digit by digit) and how to stop the calls', () => {
    expect(spokenNumber('+1404')).toBe('plus 1 4 0 4');
    const text = abandonText(script(), vars, '+14045001000');
    expect(text).toContain('Spring renewals');
    expect(text).toContain('plus 1 4 0 4 5 0 0 1 0 0 0');
    expect(text).toMatch(/stop these calls/);
    const custom = abandonText(script({ dialing: { ...AGENTLESS, abandonMessage: 'Sorry {{firstName}}, {{campaign}} will call back.' } }), vars, '+1');
    expect(custom).toBe('Sorry Ann, Spring renewals will call back.');
  });

  it("the agent's whisper carries the contact's attributes, cleaned for TTS", () => {
    expect(agentWhisper('Renewals', { firstName: 'Ann', plan: 'gold [x]', empty: '' })).toBe('Campaign Renewals. firstName: Ann, plan: gold (x).');
    expect(agentWhisper('Renewals', {})).toBe('Campaign Renewals.');
  });
});

describe('calleeEntryId', () => {
  it('is a UUID derived from the Sinch call id alone: the same call, the same entry and room', () => {
    const id = calleeEntryId('sinch-call-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(calleeEntryId('sinch-call-1')).toBe(id);
    expect(calleeEntryId('sinch-call-2')).not.toBe(id);
  });
});
