import type { MenuResult } from 'src/sinch/callback-events';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml, SvamlMenu } from 'src/sinch/svaml/svaml.types';
import { isOpenAt } from './business-hours';
import type { InboundRoute, LeafRoute, MenuRoute, NumberRouting } from './number-routes';
import type { RouteTarget, TargetCall, TargetRouteType } from './route-targets.service';

// Routes to SVAML, from memory. Pure: the clock, the call and the registered targets are passed in.

export type TargetLookup = (type: TargetRouteType) => RouteTarget | undefined;

export interface RouteAnswer {
  svaml: Svaml;
  // For the call log: "menu", "forward", "after_hours:message".
  label: string;
}

// A menu option that runs a route comes back in the PIE as return(<value>): the value names the number, which of
// its two routes (r: main, a: after hours), the menu and the key, so any api process can answer the PIE from its
// cache without having seen the ICE. Sinch's return values are free text; ours start with "nr:".
const RETURN_PREFIX = 'nr:';
// Appended to a choice's return value when the route decided the call's recording before the menu.
const RECORDING_DECIDED = 'd';

export function routeFor(routing: NumberRouting, at: Date): { route: InboundRoute; afterHours: boolean } {
  if (routing.businessHours && routing.afterHours && !isOpenAt(routing.businessHours, at)) return { route: routing.afterHours, afterHours: true };
  return { route: routing.route, afterHours: false };
}

// `menuDecidesRecording`: the route records (or asks) ahead of its menu; the menu's choices carry that to the target.
export function iceAnswer(routing: NumberRouting, call: TargetCall, targets: TargetLookup, menuDecidesRecording = false): RouteAnswer {
  const { route, afterHours } = routeFor(routing, call.receivedAt);
  const label = afterHours ? `after_hours:${route.type}` : route.type;
  if (route.type === 'menu') return { svaml: menuSvaml(route, call.dialled, afterHours ? 'a' : 'r', menuDecidesRecording), label };
  return { svaml: leafSvaml(route, call, targets), label };
}

export function leafSvaml(route: LeafRoute, call: TargetCall, targets: TargetLookup): Svaml {
  switch (route.type) {
    case 'message': {
      const instructions = [];
      if (route.text) instructions.push(svaml.say(route.text, route.locale));
      if (route.files) instructions.push(svaml.playFiles(route.files, route.locale));
      return buildSvaml(svaml.hangup(), ...instructions);
    }
    case 'reject':
      return route.message ? buildSvaml(svaml.hangup(), svaml.say(route.message, route.locale)) : buildSvaml(svaml.hangup());
    case 'forward': {
      // Forwarding a caller to their own number would ring the line they are calling from.
      if (call.from === route.to) {
        return buildSvaml(svaml.hangup(), ...(route.fallbackMessage ? [svaml.say(route.fallbackMessage, route.locale)] : []));
      }
      // Without a cli Sinch shows the caller's own number (passthrough, "private" included).
      return buildSvaml(
        svaml.connectPstn(route.to, {
          ...(route.callerId === 'dialled' ? { cli: call.dialled } : {}),
          dialTimeout: route.ringTimeoutS,
          ...(route.maxDurationS !== undefined ? { maxDuration: route.maxDurationS } : {}),
          ...(route.locale !== undefined ? { locale: route.locale } : {}),
        }),
      );
    }
    case 'queue':
    case 'conference': {
      const target = targets(route.type);
      // The feature went away after the route was saved (a module switched off): the caller is let go politely.
      if (!target) throw new Error(`no ${route.type} target is registered`);
      return target.answer(route.target, call);
    }
  }
}

function ttsPrompt(text: string): string {
  return `#tts[${text.replace(/\[/g, '(').replace(/\]/g, ')')}]`;
}

function menuSvaml(route: MenuRoute, dialled: string, which: 'r' | 'a', recordingDecided: boolean): Svaml {
  const decided = recordingDecided ? `:${RECORDING_DECIDED}` : '';
  const menus: SvamlMenu[] = route.menus.map((m) => ({
    id: m.id,
    mainPrompt: ttsPrompt(m.prompt),
    repeatPrompt: ttsPrompt(m.prompt),
    repeats: m.repeats,
    maxDigits: 1,
    timeoutMills: m.timeoutS * 1000,
    options: m.options.map((o) => ({
      dtmf: o.dtmf,
      action: o.menu !== undefined ? (`menu(${o.menu})` as const) : (`return(${RETURN_PREFIX}${dialled}:${which}:${m.id}:${o.dtmf}${decided})` as const),
    })),
  }));
  return buildSvaml(svaml.runMenu(menus, { barge: true, ...(route.locale !== undefined ? { locale: route.locale } : {}) }));
}

export interface MenuChoice {
  dialled: string;
  which: 'r' | 'a';
  menuId: string;
  dtmf: string;
  recordingDecided: boolean;
}

// The menu choice a PIE reports, when the menu was one of ours; undefined for anyone else's PIE.
export function menuChoice(result: MenuResult): MenuChoice | undefined {
  if (result.type !== 'return' || !result.value?.startsWith(RETURN_PREFIX)) return undefined;
  const [dialled, which, menuId, dtmf, flag] = result.value.slice(RETURN_PREFIX.length).split(':');
  if (!dialled || (which !== 'r' && which !== 'a') || !menuId || !dtmf) return undefined;
  return { dialled, which, menuId, dtmf, recordingDecided: flag === RECORDING_DECIDED };
}

// The leaf route behind a menu choice, looked up in the number's current routing.
export function chosenRoute(routing: NumberRouting, choice: MenuChoice): LeafRoute | undefined {
  const route = choice.which === 'a' ? routing.afterHours : routing.route;
  if (route?.type !== 'menu') return undefined;
  return route.menus.find((m) => m.id === choice.menuId)?.options.find((o) => o.dtmf === choice.dtmf)?.route;
}
