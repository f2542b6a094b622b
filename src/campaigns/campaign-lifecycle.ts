import type { CampaignStatus } from './campaign.entity';

// draft → running ⇄ paused → completed | cancelled. The actions an operator calls, and what each may start from.
// `complete` is the service's own (nothing left to call, end time reached); it is not an API action.
export const CAMPAIGN_ACTIONS = ['start', 'pause', 'resume', 'cancel'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number] | 'complete';

export const TRANSITIONS: Readonly<Record<CampaignAction, { from: readonly CampaignStatus[]; to: CampaignStatus }>> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'running', 'paused'], to: 'cancelled' },
  complete: { from: ['running', 'paused'], to: 'completed' },
};

// Settings may change while nothing is being dialled.
export const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'paused'];
// Contacts may be added until the campaign is over.
export const IMPORTABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'running', 'paused'];

export function canTransition(action: CampaignAction, from: CampaignStatus): boolean {
  return TRANSITIONS[action].from.includes(from);
}

// The 409 message: names the state the campaign is in and the ones the action needs.
export function transitionError(action: CampaignAction, from: CampaignStatus): string {
  const allowed = TRANSITIONS[action].from;
  return `Cannot ${action} a campaign that is ${from}: ${action} needs it to be ${allowed.join(' or ')}`;
}
