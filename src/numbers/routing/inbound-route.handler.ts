import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallbackHandlers, type AnswerContext } from 'src/calls/handlers/callback-handlers.service';
import type { IceEvent, PieEvent } from 'src/sinch/callback-events';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { RecordingPolicies } from 'src/recordings/recording-policies.service';
import { RouteCache } from './route-cache.service';
import { RouteClock } from './route-clock.service';
import { chosenRoute, iceAnswer, leafSvaml, menuChoice } from './route-svaml';
import { RouteTargets } from './route-targets.service';

// The numbers feature's part of the webhook: an ICE to one of our numbers gets its route's SVAML, and a PIE from
// one of our menus gets the chosen option's. From memory only (RouteCache); a number without a live route is left
// to the default answer.
@Injectable()
export class InboundRouteHandler implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;
  private unregisterTarget?: () => void;

  constructor(
    private readonly handlers: CallbackHandlers,
    private readonly routes: RouteCache,
    private readonly targets: RouteTargets,
    private readonly clock: RouteClock,
    private readonly recording: RecordingPolicies,
  ) {}

  onModuleInit(): void {
    this.unregister = this.handlers.register({
      name: 'numbers',
      // After the features that claim their own calls by `custom` (campaigns at 50).
      priority: 80,
      ice: (event, ctx) => this.ice(event, ctx),
      pie: (event) => this.pie(event),
    });
    // A recording policy may name a number with a route (`route` / E.164).
    this.unregisterTarget = this.recording.registerTarget('route', (id) => this.routes.get(id) !== undefined);
  }

  onModuleDestroy(): void {
    this.unregister?.();
    this.unregisterTarget?.();
  }

  private ice(event: IceEvent, ctx: AnswerContext): Svaml | undefined {
    // Our own custom callouts' ICE carries our call id: not an inbound call to route.
    if (ctx.callId) return undefined;
    const dialled = event.to?.endpoint;
    const routing = dialled ? this.routes.get(dialled) : undefined;
    if (!dialled || !routing) return undefined;
    const answer = iceAnswer(routing, { from: event.cli, dialled, sinchCallId: event.callId, receivedAt: this.clock.now() }, (t) => this.targets.get(t));
    ctx.route = answer.label;
    return this.recording.applyTo(answer.svaml, [{ type: 'route', id: dialled }]);
  }

  private pie(event: PieEvent): Svaml | undefined {
    const choice = menuChoice(event.menuResult);
    const routing = choice ? this.routes.get(choice.dialled) : undefined;
    const route = choice && routing ? chosenRoute(routing, choice) : undefined;
    if (!choice || !route) return undefined;
    return leafSvaml(route, { dialled: choice.dialled, sinchCallId: event.callId, receivedAt: this.clock.now() }, (t) => this.targets.get(t));
  }
}
