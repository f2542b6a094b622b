import { createHash } from 'node:crypto';
import type { Campaign, CampaignMessage, CampaignStatus, IvrAction, MachineAction } from 'src/campaigns/campaign.entity';
import { IVR_ACTIONS } from 'src/campaigns/campaign.entity';
import { renderTemplate, ttsPrompt } from 'src/campaigns/scheduling/message-template';
import type { AmdResult, MenuResult } from 'src/sinch/callback-events';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { DEFAULT_ABANDON_MESSAGE, type Dialing } from './dial-mode';

// What the webhook needs of a campaign to answer its calls: small, immutable, kept in memory by every API process.
export interface CampaignScript {
  id: string;
  name: string;
  dialing: Dialing;
  status: CampaignStatus;
  locale: string;
  message: CampaignMessage;
  machineAction: MachineAction;
  machineMessage: string | null;
}

export const MENU_TIMEOUT_MS = 8000;
export const DEFAULT_CONFIRM_TEXT = 'Thank you. Goodbye.';
export const DEFAULT_OPT_OUT_TEXT = 'You will not be called again. Goodbye.';
export const TRANSFER_TEXT = 'Please hold while we connect you.';

export function scriptOf(c: Campaign): CampaignScript {
  return {
    id: c.id,
    name: c.name,
    dialing: c.dialing,
    status: c.status,
    locale: c.locale,
    message: c.message,
    machineAction: c.machineAction,
    machineMessage: c.machineMessage,
  };
}

// The answer to the ACE of a campaign call: Sinch AMD ran on the connectPstn leg (sync), so the ACE says whether a
// person or a machine picked up. A person hears the message (or the menu); a machine gets the message or nothing.
// The queue entry (and so the room) of a callee handed to an agent, derived from the Sinch call id (a UUID in
// the version-5 layout, SHA-1 of a namespaced name): a re-delivered ACE names the same entry and room.
export function calleeEntryId(sinchCallId: string): string {
  const h = createHash('sha1').update(`campaign-callee:${sinchCallId}`).digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The id of the campaign's IVR menu (its PIE is answered by the campaign handler; other menus are not its own).
export const MAIN_MENU = 'main';

export function aceAnswer(script: CampaignScript, vars: Record<string, string>, amd: AmdResult | undefined): Svaml {
  const say = (template: string) => svaml.say(renderTemplate(template, vars), script.locale);
  const { message } = script;
  if (amd?.status === 'machine') {
    if (script.machineAction === 'hangup') return buildSvaml(svaml.hangup());
    return buildSvaml(svaml.hangup(), say(script.machineMessage ?? (message.type === 'tts' ? message.text : message.prompt)));
  }
  if (message.type === 'tts') return buildSvaml(svaml.hangup(), say(message.text));
  const prompt = ttsPrompt(renderTemplate(message.prompt, vars));
  return buildSvaml(
    svaml.runMenu(
      [
        {
          id: MAIN_MENU,
          mainPrompt: prompt,
          repeatPrompt: prompt,
          repeats: 2,
          maxDigits: 1,
          timeoutMills: MENU_TIMEOUT_MS,
          // The action's name comes back in the PIE, not the key: a result means the same even if keys change.
          options: message.options.map((o) => ({ dtmf: o.digit, action: `return(${o.action})` as const })),
        },
      ],
      { locale: script.locale, barge: true },
    ),
  );
}

export interface PieDecision {
  svaml: Svaml;
  action?: IvrAction;
}

export function menuAction(result: MenuResult): IvrAction | undefined {
  if (result.type !== 'return' || !result.value) return undefined;
  return (IVR_ACTIONS as readonly string[]).includes(result.value) ? (result.value as IvrAction) : undefined;
}

// The answer to the PIE of a campaign menu. `cli` is the caller id the callee saw, shown again on a transfer.
export function pieAnswer(script: CampaignScript, vars: Record<string, string>, cli: string, result: MenuResult): PieDecision {
  const { message } = script;
  const action = menuAction(result);
  if (message.type !== 'ivr' || !action) return { svaml: buildSvaml(svaml.hangup()) };
  const say = (template: string) => svaml.say(renderTemplate(template, vars), script.locale);
  switch (action) {
    case 'confirm':
      return { action, svaml: buildSvaml(svaml.hangup(), say(message.confirmText ?? DEFAULT_CONFIRM_TEXT)) };
    case 'opt_out':
      return { action, svaml: buildSvaml(svaml.hangup(), say(message.optOutText ?? DEFAULT_OPT_OUT_TEXT)) };
    case 'agent':
      // With agentQueueId the handler parks the callee in the queue; this is the answer without one.
      if (!message.transferNumber) return { action, svaml: buildSvaml(svaml.hangup(), say(DEFAULT_CONFIRM_TEXT)) };
      return { action, svaml: buildSvaml(svaml.connectPstn(message.transferNumber, { cli, locale: script.locale }), say(TRANSFER_TEXT)) };
  }
}

// A number read digit by digit ("+1 404..." → "plus 1 4 0 4 ..."), so a callee can note it.
export function spokenNumber(e164: string): string {
  return [...e164].map((ch) => (ch === '+' ? 'plus' : ch)).join(' ');
}

// What an abandoned callee hears: who called (the campaign, the caller id they saw) and how to stop the calls.
export function abandonText(script: Pick<CampaignScript, 'name' | 'dialing'>, vars: Record<string, string>, cli: string): string {
  return renderTemplate(script.dialing.abandonMessage ?? DEFAULT_ABANDON_MESSAGE, { ...vars, campaign: script.name, cli: spokenNumber(cli) });
}

// What the agent hears as their leg is answered: the campaign and the contact's attributes.
export function agentWhisper(campaignName: string, attributes: Record<string, unknown>): string {
  const parts = Object.entries(attributes)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${String(v)}`);
  return renderTemplate(parts.length > 0 ? `Campaign {{campaign}}. ${parts.join(', ')}.` : 'Campaign {{campaign}}.', { campaign: campaignName }, 500);
}
