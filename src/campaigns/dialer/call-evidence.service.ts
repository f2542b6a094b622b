import { Injectable } from '@nestjs/common';
import { CallsQueryService } from 'src/calls/calls-query.service';
import type { IvrAction } from 'src/campaigns/campaign.entity';
import { parseCallbackEvent } from 'src/sinch/callback-events';
import { menuAction } from './campaign-answers';

export interface AttemptEvidence {
  // Sinch AMD reported an answering machine in the ACE.
  machine: boolean;
  // The menu actions the callee chose (PIE results), in order.
  actions: IvrAction[];
}

// What happened on an answered campaign call, read from the call's recorded callbacks (the ACE is stored before
// it is answered, so it is there when the DiCE comes). Used once per answered call, never on the webhook path.
@Injectable()
export class CallEvidence {
  constructor(private readonly callsQuery: CallsQueryService) {}

  async of(callId: string): Promise<AttemptEvidence> {
    const evidence: AttemptEvidence = { machine: false, actions: [] };
    for (const stored of await this.callsQuery.eventsOf(callId, ['ace', 'pie'])) {
      let event;
      try {
        event = parseCallbackEvent(stored.payload);
      } catch {
        continue; // stored because it was signed; a body we cannot read says nothing about the outcome
      }
      if (event.event === 'ace' && event.amd?.status === 'machine') evidence.machine = true;
      if (event.event === 'pie') {
        const action = menuAction(event.menuResult);
        if (action) evidence.actions.push(action);
      }
    }
    return evidence;
  }
}
