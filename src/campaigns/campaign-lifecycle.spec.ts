import { canTransition, transitionError, TRANSITIONS } from 'src/campaigns/campaign-lifecycle';
import { CAMPAIGN_STATUSES } from 'src/campaigns/campaign.entity';

describe('campaign lifecycle', () => {
  it.each([
    ['start', 'draft', 'running'],
    ['pause', 'running', 'paused'],
    ['resume', 'paused', 'running'],
    ['cancel', 'draft', 'cancelled'],
    ['cancel', 'running', 'cancelled'],
    ['cancel', 'paused', 'cancelled'],
    ['complete', 'running', 'completed'],
    ['complete', 'paused', 'completed'],
  ] as const)('%s: %s → %s', (action, from, to) => {
    expect(canTransition(action, from)).toBe(true);
    expect(TRANSITIONS[action].to).toBe(to);
  });

  it('allows nothing out of completed or cancelled', () => {
    for (const action of ['start', 'pause', 'resume', 'cancel', 'complete'] as const) {
      expect(canTransition(action, 'completed')).toBe(false);
      expect(canTransition(action, 'cancelled')).toBe(false);
    }
  });

  it('refuses a second start and a resume of a running campaign', () => {
    expect(canTransition('start', 'running')).toBe(false);
    expect(canTransition('resume', 'running')).toBe(false);
    expect(canTransition('pause', 'paused')).toBe(false);
  });

  it('names both the current and the required states in the error', () => {
    expect(transitionError('pause', 'draft')).toBe('Cannot pause a campaign that is draft: pause needs it to be running');
    expect(transitionError('cancel', 'completed')).toBe('Cannot cancel a campaign that is completed: cancel needs it to be draft or running or paused');
  });

  it('only moves between known states', () => {
    for (const t of Object.values(TRANSITIONS)) {
      expect(CAMPAIGN_STATUSES).toContain(t.to);
      t.from.forEach((s) => expect(CAMPAIGN_STATUSES).toContain(s));
    }
  });
});
