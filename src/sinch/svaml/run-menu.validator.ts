import { isRecord } from 'src/sinch/json';
import * as check from 'src/sinch/svaml/svaml.checks';
import { push, type Out } from 'src/sinch/svaml/svaml.rules';

// One key a caller can press. '*' is a real keypad key, unlike 'w' (a pause that only exists in DTMF we send).
const MENU_KEY = /^[0-9#*]$/;
const MENU_JUMP = /^menu\(([^()\s]+)\)$/;
const RETURN = /^return(?:\([^()]*\))?$/;

function validateMenu(out: Out, menu: Record<string, unknown>, path: string, ids: ReadonlySet<string>): void {
  const at = (field: string) => `${path}.${field}`;
  check.prompt(out, menu.mainPrompt, at('mainPrompt'), 'runMenu');
  check.prompt(out, menu.repeatPrompt, at('repeatPrompt'), 'runMenu');
  check.integer(out, menu.repeats, at('repeats'));
  check.integer(out, menu.maxDigits, at('maxDigits'), { min: 1 });
  check.integer(out, menu.timeoutMills, at('timeoutMills'));
  check.integer(out, menu.maxTimeoutMills, at('maxTimeoutMills'));
  if (menu.options === undefined) return;
  if (!Array.isArray(menu.options)) {
    push(out, at('options'), 'type', `${at('options')} must be an array`);
    return;
  }
  const keys = new Set<string>();
  menu.options.forEach((option: unknown, i) => {
    const op = `${at('options')}[${i}]`;
    if (!isRecord(option)) return push(out, op, 'type', `${op} must be an object with dtmf and action`);
    const key = check.string(out, option.dtmf, `${op}.dtmf`, { required: true });
    if (key !== undefined) {
      if (!MENU_KEY.test(key)) push(out, `${op}.dtmf`, 'dtmf_key', `${op}.dtmf must be one key: 0-9, * or #`);
      else if (keys.has(key)) push(out, `${op}.dtmf`, 'duplicate_option', `${op}.dtmf "${key}" is used twice`);
      keys.add(key);
    }
    const action = check.string(out, option.action, `${op}.action`, { required: true });
    if (action === undefined) return;
    const jump = MENU_JUMP.exec(action);
    if (jump) {
      if (!ids.has(jump[1])) {
        push(out, `${op}.action`, 'menu_unknown_target', `${op}.action points at menu "${jump[1]}", which does not exist`);
      }
    } else if (!RETURN.test(action)) {
      push(out, `${op}.action`, 'menu_option_action', `${op}.action must be menu(<id>), return or return(<value>)`);
    }
  });
}

export function validateRunMenu(out: Out, action: Record<string, unknown>): void {
  check.boolean(out, action.barge, 'action.barge');
  const locale = check.string(out, action.locale, 'action.locale');
  check.boolean(out, action.enableVoice, 'action.enableVoice');
  // callback-api.md Voice IVR: with enableVoice, "locale" selects the input language and is required.
  if (action.enableVoice === true && locale === undefined) {
    push(out, 'action.locale', 'required', 'action.locale is required when enableVoice is true');
  }
  const menus = action.menus;
  if (!Array.isArray(menus) || menus.length === 0) {
    const rule = menus === undefined ? 'required' : 'type';
    push(out, 'action.menus', rule, 'action.menus must be a non-empty array for runMenu');
    return;
  }
  const ids = new Set<string>();
  let mains = 0;
  menus.forEach((menu: unknown, i) => {
    const path = `action.menus[${i}]`;
    if (!isRecord(menu)) return push(out, path, 'type', `${path} must be an object`);
    const id = check.string(out, menu.id, `${path}.id`, { required: true, nonEmpty: true });
    if (id === undefined) return;
    if (ids.has(id)) push(out, `${path}.id`, 'duplicate_menu_id', `${path}.id "${id}" is used twice`);
    ids.add(id);
    if (id === 'main') mains += 1;
  });
  // svaml-actions.md runMenu: "If no menu has an id value of main, an error is returned".
  if (mains !== 1) push(out, 'action.menus', 'menu_main', 'action.menus must contain exactly one menu with id "main"');
  if (action.mainMenu !== undefined) {
    const mainMenu = check.string(out, action.mainMenu, 'action.mainMenu');
    if (mainMenu !== undefined && !ids.has(mainMenu)) {
      push(out, 'action.mainMenu', 'menu_unknown_target', `action.mainMenu "${mainMenu}" is not one of the menus`);
    }
  }
  menus.forEach((menu: unknown, i) => {
    if (isRecord(menu)) validateMenu(out, menu, `action.menus[${i}]`, ids);
  });
}
