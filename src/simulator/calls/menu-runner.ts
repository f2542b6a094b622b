import type { CallSession, Interrupt } from 'src/simulator/calls/call-session';
import type { MenuResult } from 'src/simulator/calls/callback-bodies';
import { promptMs } from 'src/simulator/calls/prompts';
import type { RunMenuAction, SvamlMenu, SvamlMenuOption } from 'src/sinch/svaml/svaml.types';

export type MenuOutcome = { kind: 'result'; result: MenuResult } | { kind: 'interrupt'; interrupt: Interrupt };

type Step =
  | { kind: 'done'; type: 'return' | 'sequence'; value: string }
  | { kind: 'goto'; menuId: string }
  | { kind: 'retry'; type: 'timeout' | 'invalidinput'; value: string }
  | { kind: 'interrupt'; interrupt: Interrupt };

// Defaults from the OpenAPI menu schema (timeoutMills 5000); Sinch documents no default for repeats, so none.
const DEFAULT_TIMEOUT_MS = 5000;

function applyOption(option: SvamlMenuOption): Step {
  const ret = /^return(?:\((.*)\))?$/i.exec(option.action);
  if (ret) return { kind: 'done', type: 'return', value: ret[1] ?? '' };
  const menu = /^menu\((.+)\)$/i.exec(option.action);
  return menu ? { kind: 'goto', menuId: menu[1] } : { kind: 'retry', type: 'invalidinput', value: String(option.dtmf) };
}

// Collects input for one menu from the call's DTMF buffer (fed by POST /_sim/calls/{id}/dtmf). With maxDigits a
// sequence ends at maxDigits, '#' or timeoutMills of silence; without it each key picks an option.
async function collect(s: CallSession, menu: SvamlMenu): Promise<Step> {
  const options = menu.options ?? [];
  const maxDigits = menu.maxDigits ?? (options.length === 0 ? 1 : undefined);
  const timeoutMs = menu.timeoutMills ?? DEFAULT_TIMEOUT_MS;
  const complete = (digits: string): Step => {
    const option = options.find((o) => String(o.dtmf) === digits);
    return option ? applyOption(option) : { kind: 'done', type: 'sequence', value: digits };
  };
  let digits = '';
  for (;;) {
    if (s.dtmfBuffer.length > 0) {
      const key = s.dtmfBuffer[0];
      s.dtmfBuffer = s.dtmfBuffer.slice(1);
      if (maxDigits === undefined) {
        const option = options.find((o) => String(o.dtmf) === key);
        return option ? applyOption(option) : { kind: 'retry', type: 'invalidinput', value: key };
      }
      if (key === '#') return complete(digits);
      digits += key;
      if (digits.length >= maxDigits) return complete(digits);
      continue;
    }
    const wake = await s.wait(timeoutMs, { dtmf: true });
    if (wake.kind === 'dtmf') continue;
    if (wake.kind === 'elapsed') {
      return digits.length > 0 ? complete(digits) : { kind: 'retry', type: 'timeout', value: '' };
    }
    return { kind: 'interrupt', interrupt: wake };
  }
}

export async function playMenu(s: CallSession, action: RunMenuAction): Promise<MenuOutcome> {
  const menus = new Map(action.menus.map((m) => [m.id, m]));
  let menu = menus.get(action.mainMenu ?? 'main') ?? menus.get('main') ?? action.menus[0];
  const barge = action.barge !== false;
  let attempt = 0;
  for (;;) {
    s.call.inMenu = menu.id;
    const prompt = attempt === 0 ? menu.mainPrompt : (menu.repeatPrompt ?? menu.mainPrompt);
    // With barge-in a key press cuts the prompt short; without it, keys wait in the buffer until it ends.
    const played = await s.wait(promptMs(prompt), { dtmf: barge });
    if (played.kind !== 'elapsed' && played.kind !== 'dtmf') return { kind: 'interrupt', interrupt: played };
    const step = await collect(s, menu);
    if (step.kind === 'interrupt') return { kind: 'interrupt', interrupt: step.interrupt };
    if (step.kind === 'goto') {
      const next = menus.get(step.menuId);
      if (!next) return result(menu.id, 'error', step.menuId);
      menu = next;
      attempt = 0;
      continue;
    }
    if (step.kind === 'retry') {
      attempt++;
      if (attempt > (menu.repeats ?? 0)) return result(menu.id, step.type, step.value);
      continue;
    }
    return result(menu.id, step.type, step.value);
  }
}

function result(menuId: string, type: MenuResult['type'], value: string): MenuOutcome {
  return { kind: 'result', result: { menuId, type, value, inputMethod: 'dtmf' } };
}
