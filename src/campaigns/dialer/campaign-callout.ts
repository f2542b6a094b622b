import type { CallCustomExtra } from 'src/calls/call-custom';
import type { Campaign } from 'src/campaigns/campaign.entity';
import { templatePlaceholders } from 'src/campaigns/scheduling/message-template';
import { svaml } from 'src/sinch/svaml/svaml.builders';
import type { CustomCalloutRequest } from 'src/sinch/voice-client.types';
import { tagExtra } from './campaign-call-tag';

// A campaign call never outlives this (a transfer to an agent included): a forgotten line costs money.
export const CAMPAIGN_CALL_MAX_DURATION_S = 3600;

export interface CalloutContact {
  id: string;
  phone: string;
  attempt: number;
  attributes: Record<string, unknown>;
}

// The attribute names a campaign's messages use: only these travel with the call.
export function templateVariables(campaign: Pick<Campaign, 'message' | 'machineMessage'>): string[] {
  const { message } = campaign;
  const texts = message.type === 'tts' ? [message.text] : [message.prompt, message.confirmText ?? '', message.optOutText ?? ''];
  return [...new Set([...texts, campaign.machineMessage ?? ''].flatMap(templatePlaceholders))];
}

// Caller ids are used in rotation: the n-th call of the campaign shows the (n mod size)-th number.
export function callerIdFor(callerIds: readonly string[], sequence: number): string {
  return callerIds[sequence % callerIds.length];
}

// A custom callout whose inline ICE dials the contact with Sinch AMD on the connectPstn leg. ACE and PIE are left
// to the application's callback URL, where the campaign handler answers them (message, menu, machine).
export function campaignCallout(
  campaign: Pick<Campaign, 'id' | 'locale' | 'message' | 'machineMessage'>,
  contact: CalloutContact,
  cli: string,
  variables: readonly string[],
): { request: CustomCalloutRequest; extra: CallCustomExtra } {
  const vars: Record<string, string> = {};
  for (const name of variables) {
    const value = contact.attributes[name];
    if (value !== undefined && value !== null) vars[name] = String(value);
  }
  const request: CustomCalloutRequest = {
    ice: {
      action: svaml.connectPstn(contact.phone, {
        cli,
        locale: campaign.locale,
        maxDuration: CAMPAIGN_CALL_MAX_DURATION_S,
        amd: { enabled: true },
      }),
    },
  };
  return { request, extra: tagExtra({ campaignId: campaign.id, contactId: contact.id, attempt: contact.attempt, cli, vars }) };
}
