import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallbackHandlers, type AnswerContext } from 'src/calls/handlers/callback-handlers.service';
import type { IceEvent, PieEvent } from 'src/sinch/callback-events';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { RecordingPolicies, type PolicyTarget } from 'src/recordings/recording-policies.service';
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
    // Its consent policy may ask "press 9 to not be recorded" (a queue or conference behind the route asks its own).
    this.unregisterTarget = this.recording.registerTarget('route', (id) => this.routes.get(id) !== undefined, { optOut: true });
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
    const targets = routeTarget(dialled);
    // The route records (or asks) ahead of an IVR menu unless its policy is off; a queue behind the menu then does not.
    const menuDecides = this.recording.effective(targets).mode !== 'off';
    const call = { from: event.cli, dialled, sinchCallId: event.callId, receivedAt: this.clock.now() };
    const answer = iceAnswer(routing, call, (t) => this.targets.get(t), menuDecides);
    ctx.route = answer.label;
    // "Press 9 to not be recorded" first when the route's policy asks; its PIE answers the route's action.
    return this.recording.consentBefore(answer.svaml, targets, consentMenuId(dialled, event.cli)) ?? this.recording.applyTo(answer.svaml, targets);
  }

  private pie(event: PieEvent): Svaml | undefined {
    const consent = consentOf(event.menuResult.menuId);
    if (consent) return this.afterConsent(event, consent);
    const choice = menuChoice(event.menuResult);
    const routing = choice ? this.routes.get(choice.dialled) : undefined;
    const route = choice && routing ? chosenRoute(routing, choice) : undefined;
    if (!choice || !route) return undefined;
    const call = { dialled: choice.dialled, sinchCallId: event.callId, receivedAt: this.clock.now(), recordingDecided: choice.recordingDecided };
    return leafSvaml(route, call, (t) => this.targets.get(t));
  }

  // The consent menu answered (a key, or none): the route's action, recorded unless the caller declined. A route
  // removed in between lets the call go to the default answer.
  private afterConsent(event: PieEvent, consent: { dialled: string; from?: string }): Svaml | undefined {
    const routing = this.routes.get(consent.dialled);
    if (!routing) return undefined;
    const call = { ...consent, sinchCallId: event.callId, receivedAt: this.clock.now() };
    const answer = iceAnswer(routing, call, (t) => this.targets.get(t), true);
    return this.recording.afterConsent(event.menuResult, answer.svaml, routeTarget(consent.dialled));
  }
}

const routeTarget = (dialled: string): PolicyTarget[] => [{ type: 'route', id: dialled }];

// The route's consent menu id carries the call's numbers: its PIE may reach another api process, and has no cli.
const CONSENT_MENU = 'nc:';

function consentMenuId(dialled: string, from: string | undefined): string {
  return CONSENT_MENU + Buffer.from(JSON.stringify([dialled, from ?? ''])).toString('base64url');
}

function consentOf(menuId: string | undefined): { dialled: string; from?: string } | undefined {
  if (!menuId?.startsWith(CONSENT_MENU)) return undefined;
  try {
    const [dialled, from] = JSON.parse(Buffer.from(menuId.slice(CONSENT_MENU.length), 'base64url').toString()) as [unknown, unknown];
    if (typeof dialled !== 'string' || typeof from !== 'string') return undefined;
    return { dialled, ...(from ? { from } : {}) };
  } catch {
    return undefined;
  }
}
