import { Injectable } from '@nestjs/common';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

// Route types whose destination belongs to another feature (an inbound queue, a conference room).
export const TARGET_ROUTE_TYPES = ['queue', 'conference'] as const;
export type TargetRouteType = (typeof TARGET_ROUTE_TYPES)[number];

export interface TargetCall {
  // The caller's number (E.164) or what Sinch gave ("private", a SIP URI).
  from?: string;
  // Our number the caller dialled (E.164).
  dialled: string;
  sinchCallId: string;
  receivedAt: Date;
  // How the call came when not by a number's route (a campaign IVR's "talk to an agent": "campaign").
  via?: string;
  // The number's route decided the call's recording ahead of its IVR menu (recorded, with or without the consent
  // notice, or the caller answered its opt-out question): a target behind the menu neither asks nor records again.
  recordingDecided?: boolean;
}

// What a feature registers for its route type. `exists` is called when a route is saved (so a route to a queue
// that does not exist is a 400); `answer` at ICE / PIE time, from memory, like every callback answer.
export interface RouteTarget {
  exists(targetId: string): boolean | Promise<boolean>;
  answer(targetId: string, call: TargetCall): Svaml;
}

// The small registry through which queues and conferences plug in: numbers never imports their internals, and
// until a feature registers, its route type is refused when a route is saved.
@Injectable()
export class RouteTargets {
  private readonly targets = new Map<TargetRouteType, RouteTarget>();

  register(type: TargetRouteType, target: RouteTarget): () => void {
    this.targets.set(type, target);
    return () => {
      if (this.targets.get(type) === target) this.targets.delete(type);
    };
  }

  get(type: TargetRouteType): RouteTarget | undefined {
    return this.targets.get(type);
  }
}
