import type { FieldProblem } from 'src/common/app-error';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { parseBusinessHours, type BusinessHours } from './business-hours';
import { TARGET_ROUTE_TYPES, type TargetRouteType } from './route-targets.service';

// What happens when one of our numbers rings. Routes are JSON documents checked here field by field (a 400 names
// the field), stored as jsonb on the number and answered from memory at ICE time (route-svaml.ts).

export interface MessageRoute {
  type: 'message';
  text?: string;
  // Recorded prompts (playFiles ids), played after the text.
  files?: string[];
  locale?: string;
}

export interface ForwardRoute {
  type: 'forward';
  to: string;
  // `caller`: the callee sees who is calling (passthrough); `dialled`: our number the caller dialled.
  callerId: 'caller' | 'dialled';
  ringTimeoutS: number;
  maxDurationS?: number;
  // Spoken instead of ringing when the forward cannot be placed from this call (the caller is the target).
  fallbackMessage?: string;
  locale?: string;
}

export interface TargetRoute {
  type: TargetRouteType;
  target: string;
}

export interface RejectRoute {
  type: 'reject';
  // Spoken before hanging up; without it the call is refused unanswered.
  message?: string;
  locale?: string;
}

export interface MenuOption {
  dtmf: string;
  // Either another menu of this route (Sinch navigates there itself) or a route to run (through a PIE).
  menu?: string;
  route?: LeafRoute;
}

export interface RouteMenu {
  id: string;
  prompt: string;
  repeats: number;
  timeoutS: number;
  options: MenuOption[];
}

export interface MenuRoute {
  type: 'menu';
  locale?: string;
  menus: RouteMenu[];
}

export type LeafRoute = MessageRoute | ForwardRoute | TargetRoute | RejectRoute;
export type InboundRoute = LeafRoute | MenuRoute;
export type RouteType = InboundRoute['type'];
export const ROUTE_TYPES: readonly RouteType[] = ['message', 'forward', 'menu', ...TARGET_ROUTE_TYPES, 'reject'];

export interface NumberRouting {
  route: InboundRoute;
  // Outside these hours `afterHours` runs instead.
  businessHours?: BusinessHours;
  afterHours?: InboundRoute;
}

export const ROUTE_LIMITS = {
  textChars: 600,
  // A menu prompt is wrapped in #tts[...], which counts towards Sinch's 600 characters.
  promptChars: 590,
  menus: 10,
  // main is level 1: main -> sub -> sub-sub.
  menuDepth: 3,
  options: 12,
  ringTimeoutS: { min: 5, max: 120, default: 30 },
  maxDurationS: 14_400,
  files: 10,
} as const;

export interface TargetReference {
  field: string;
  type: TargetRouteType;
  target: string;
}

export interface ParsedRouting {
  routing?: NumberRouting;
  problems: FieldProblem[];
  // queue / conference targets to check against their registry before storing.
  targets: TargetReference[];
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const LOCALE = /^[a-z]{2,3}-[A-Z]{2}$/;
const MENU_ID = /^[A-Za-z0-9_-]{1,32}$/;
const DTMF_KEY = /^[0-9#*]$/;
const TARGET_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

class Checker {
  readonly problems: FieldProblem[] = [];
  readonly targets: TargetReference[] = [];

  constructor(readonly availableTargets: ReadonlySet<TargetRouteType>) {}

  add(field: string, rule: string, message: string): void {
    this.problems.push({ field, rule, message: `${field} ${message}` });
  }

  known(value: Json, at: string, fields: string[]): void {
    for (const key of Object.keys(value)) if (!fields.includes(key)) this.add(`${at}.${key}`, 'whitelistValidation', 'is not a known field');
  }

  text(value: unknown, at: string, max: number, required: boolean): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(at, 'required', 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.trim().length === 0) return void this.add(at, 'isString', 'must be a non-empty string');
    if ([...value].length > max) return void this.add(at, 'maxLength', `must be at most ${max} characters`);
    return value;
  }

  locale(value: unknown, at: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !LOCALE.test(value)) return void this.add(at, 'locale', 'must be a locale such as en-US');
    return value;
  }

  int(value: unknown, at: string, min: number, max: number, fallback?: number): number | undefined {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return void this.add(at, 'range', `must be a whole number from ${min} to ${max}`);
    }
    return value;
  }
}

function parseLeaf(c: Checker, value: Json, at: string, type: string): LeafRoute | undefined {
  switch (type) {
    case 'message': {
      c.known(value, at, ['type', 'text', 'files', 'locale']);
      const text = c.text(value.text, `${at}.text`, ROUTE_LIMITS.textChars, false);
      let files: string[] | undefined;
      if (value.files !== undefined) {
        const ok =
          Array.isArray(value.files) &&
          value.files.length > 0 &&
          value.files.length <= ROUTE_LIMITS.files &&
          value.files.every((f) => typeof f === 'string' && f.length > 0 && f.length <= 256);
        if (!ok) c.add(`${at}.files`, 'files', `must be 1 to ${ROUTE_LIMITS.files} prompt file ids`);
        else files = value.files as string[];
      }
      // (text: null is no text: a message must still say or play something.)
      if ((value.text === undefined || value.text === null) && value.files === undefined) c.add(`${at}.text`, 'required', 'is required (or files)');
      return { type, ...(text !== undefined ? { text } : {}), ...(files ? { files } : {}), ...opt('locale', c.locale(value.locale, `${at}.locale`)) };
    }
    case 'forward': {
      c.known(value, at, ['type', 'to', 'callerId', 'ringTimeoutS', 'maxDurationS', 'fallbackMessage', 'locale']);
      const to = typeof value.to === 'string' ? normalizePhoneNumber(value.to)?.e164 : undefined;
      if (!to) c.add(`${at}.to`, 'isDialableNumber', 'must be a valid phone number in international format, e.g. +46701234567');
      const callerId = value.callerId ?? 'caller';
      if (callerId !== 'caller' && callerId !== 'dialled') c.add(`${at}.callerId`, 'isIn', 'must be "caller" (passthrough) or "dialled" (our number)');
      const { min, max, default: dflt } = ROUTE_LIMITS.ringTimeoutS;
      const ringTimeoutS = c.int(value.ringTimeoutS, `${at}.ringTimeoutS`, min, max, dflt);
      const maxDurationS = c.int(value.maxDurationS, `${at}.maxDurationS`, 1, ROUTE_LIMITS.maxDurationS);
      const fallbackMessage = c.text(value.fallbackMessage, `${at}.fallbackMessage`, ROUTE_LIMITS.textChars, false);
      return {
        type,
        to: to ?? '',
        callerId: callerId as ForwardRoute['callerId'],
        ringTimeoutS: ringTimeoutS ?? dflt,
        ...opt('maxDurationS', maxDurationS),
        ...opt('fallbackMessage', fallbackMessage),
        ...opt('locale', c.locale(value.locale, `${at}.locale`)),
      };
    }
    case 'reject': {
      c.known(value, at, ['type', 'message', 'locale']);
      const message = c.text(value.message, `${at}.message`, ROUTE_LIMITS.textChars, false);
      return { type, ...opt('message', message), ...opt('locale', c.locale(value.locale, `${at}.locale`)) };
    }
    case 'queue':
    case 'conference': {
      c.known(value, at, ['type', 'target']);
      if (!c.availableTargets.has(type)) {
        c.add(`${at}.type`, 'route_type_unavailable', `"${type}" routes are not available yet: no ${type} feature is installed in this service`);
        return undefined;
      }
      if (typeof value.target !== 'string' || !TARGET_ID.test(value.target)) {
        c.add(`${at}.target`, 'target', `must name the ${type} (1 to 64 letters, digits, _ . : -)`);
        return undefined;
      }
      c.targets.push({ field: `${at}.target`, type, target: value.target });
      return { type, target: value.target };
    }
    default:
      return undefined;
  }
}

function parseMenu(c: Checker, value: Json, at: string): MenuRoute | undefined {
  c.known(value, at, ['type', 'locale', 'menus']);
  const locale = c.locale(value.locale, `${at}.locale`);
  if (!Array.isArray(value.menus) || value.menus.length === 0 || value.menus.length > ROUTE_LIMITS.menus) {
    c.add(`${at}.menus`, 'menus', `must list 1 to ${ROUTE_LIMITS.menus} menus, one of them with id "main"`);
    return undefined;
  }
  const menus: RouteMenu[] = [];
  const ids = new Set<string>();
  value.menus.forEach((raw: unknown, i) => {
    const m = `${at}.menus[${i}]`;
    if (!isRecord(raw)) return c.add(m, 'isObject', 'must be an object { id, prompt, options }');
    c.known(raw, m, ['id', 'prompt', 'repeats', 'timeoutS', 'options']);
    if (typeof raw.id !== 'string' || !MENU_ID.test(raw.id)) c.add(`${m}.id`, 'menuId', 'must be 1 to 32 letters, digits, _ or -');
    else if (ids.has(raw.id)) c.add(`${m}.id`, 'unique', `"${raw.id}" is used twice`);
    else ids.add(raw.id);
    const prompt = c.text(raw.prompt, `${m}.prompt`, ROUTE_LIMITS.promptChars, true);
    const repeats = c.int(raw.repeats, `${m}.repeats`, 0, 5, 2);
    const timeoutS = c.int(raw.timeoutS, `${m}.timeoutS`, 1, 20, 5);
    const options: MenuOption[] = [];
    if (!Array.isArray(raw.options) || raw.options.length === 0 || raw.options.length > ROUTE_LIMITS.options) {
      c.add(`${m}.options`, 'options', `must list 1 to ${ROUTE_LIMITS.options} options { dtmf, menu | route }`);
    } else {
      const keys = new Set<string>();
      raw.options.forEach((o: unknown, j) => {
        const op = `${m}.options[${j}]`;
        if (!isRecord(o)) return c.add(op, 'isObject', 'must be an object { dtmf, menu | route }');
        c.known(o, op, ['dtmf', 'menu', 'route']);
        if (typeof o.dtmf !== 'string' || !DTMF_KEY.test(o.dtmf)) c.add(`${op}.dtmf`, 'dtmf_key', 'must be one key: 0-9, * or #');
        else if (keys.has(o.dtmf)) c.add(`${op}.dtmf`, 'unique', `"${o.dtmf}" is used twice in this menu`);
        else keys.add(o.dtmf);
        if ((o.menu === undefined) === (o.route === undefined)) return c.add(op, 'menu_or_route', "must have exactly one of menu (another menu's id) or route");
        if (o.menu !== undefined) {
          if (typeof o.menu !== 'string') return c.add(`${op}.menu`, 'isString', 'must be a menu id');
          options.push({ dtmf: String(o.dtmf), menu: o.menu });
          return;
        }
        if (isRecord(o.route) && o.route.type === 'menu') {
          return c.add(`${op}.route.type`, 'nested_menu', 'cannot be "menu": list the sub-menu in menus and point at it with "menu"');
        }
        const leaf = parseRoute(c, o.route, `${op}.route`) as LeafRoute | undefined;
        if (leaf) options.push({ dtmf: String(o.dtmf), route: leaf });
      });
    }
    if (typeof raw.id === 'string') menus.push({ id: raw.id, prompt: prompt ?? '', repeats: repeats ?? 2, timeoutS: timeoutS ?? 5, options });
  });
  if (!ids.has('main')) {
    c.add(`${at}.menus`, 'menu_main', 'must contain a menu with id "main" (where the caller starts)');
    return undefined;
  }
  checkMenuGraph(c, menus, at);
  return { type: 'menu', ...opt('locale', locale), menus };
}

// Every menu reachable from main within the depth limit, every jump to a menu that exists.
function checkMenuGraph(c: Checker, menus: RouteMenu[], at: string): void {
  const byId = new Map(menus.map((m) => [m.id, m]));
  menus.forEach((m, i) =>
    m.options.forEach((o, j) => {
      if (o.menu !== undefined && !byId.has(o.menu))
        c.add(`${at}.menus[${i}].options[${j}].menu`, 'menu_unknown', `points at menu "${o.menu}", which is not in menus`);
    }),
  );
  const level = new Map<string, number>([['main', 1]]);
  const queue = ['main'];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const o of byId.get(id)?.options ?? []) {
      if (o.menu === undefined || level.has(o.menu) || !byId.has(o.menu)) continue;
      level.set(o.menu, (level.get(id) as number) + 1);
      queue.push(o.menu);
    }
  }
  menus.forEach((m, i) => {
    const depth = level.get(m.id);
    if (depth === undefined) c.add(`${at}.menus[${i}].id`, 'menu_unreachable', `"${m.id}" cannot be reached from main`);
    else if (depth > ROUTE_LIMITS.menuDepth) {
      c.add(`${at}.menus[${i}].id`, 'menu_depth', `"${m.id}" is ${depth} levels deep; at most ${ROUTE_LIMITS.menuDepth} levels are allowed (main is level 1)`);
    }
  });
}

function parseRoute(c: Checker, value: unknown, at: string): InboundRoute | undefined {
  if (!isRecord(value)) {
    c.add(at, 'isObject', 'must be an object with a type');
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string' || !(ROUTE_TYPES as readonly string[]).includes(type)) {
    c.add(`${at}.type`, 'isIn', `must be one of ${ROUTE_TYPES.join(', ')}`);
    return undefined;
  }
  return type === 'menu' ? parseMenu(c, value, at) : parseLeaf(c, value, at, type);
}

// The body of PUT /numbers/{id}/route: { route, businessHours?, afterHours? }.
export function parseRouting(body: unknown, availableTargets: ReadonlySet<TargetRouteType>): ParsedRouting {
  const c = new Checker(availableTargets);
  if (!isRecord(body)) {
    c.add('body', 'isObject', 'must be a JSON object { route, businessHours?, afterHours? }');
    return { problems: c.problems, targets: [] };
  }
  c.known(body, 'body', ['route', 'businessHours', 'afterHours']);
  const route = parseRoute(c, body.route, 'route');
  let businessHours: BusinessHours | undefined;
  let afterHours: InboundRoute | undefined;
  if (body.businessHours !== undefined) {
    const parsed = parseBusinessHours(body.businessHours, 'businessHours');
    c.problems.push(...parsed.problems);
    businessHours = parsed.hours;
    if (body.afterHours === undefined) c.add('afterHours', 'required', 'is required with businessHours: it is what callers get when closed');
  } else if (body.afterHours !== undefined) {
    c.add('businessHours', 'required', 'is required with afterHours');
  }
  if (body.afterHours !== undefined) afterHours = parseRoute(c, body.afterHours, 'afterHours');
  // Unknown-field problems of the top level are reported without the "body." prefix clients never wrote.
  const problems = c.problems.map((p) => (p.field.startsWith('body.') ? { ...p, field: p.field.slice(5), message: p.message.slice(5) } : p));
  if (problems.length > 0 || !route) return { problems, targets: c.targets };
  return { routing: { route, ...opt('businessHours', businessHours), ...opt('afterHours', afterHours) }, problems, targets: c.targets };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// A short label for the call log: "menu", "forward", "after_hours:message".
export function routeLabel(route: InboundRoute, afterHours: boolean): string {
  return afterHours ? `after_hours:${route.type}` : route.type;
}
