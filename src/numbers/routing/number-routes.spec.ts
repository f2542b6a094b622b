import { parseRouting, ROUTE_LIMITS } from './number-routes';
import { chosenRoute, iceAnswer, menuChoice } from './route-svaml';
import type { TargetRouteType } from './route-targets.service';

const none = new Set<TargetRouteType>();
const menu = (menus: unknown[]) => ({ route: { type: 'menu', menus } });
const fields = (body: unknown, targets = none) => parseRouting(body, targets).problems.map((p) => p.field);
const call = (at = '2026-11-30T10:00:00Z') => ({ from: '+46701234567', dialled: '+15550100001', sinchCallId: 's1', receivedAt: new Date(at) });
const noTargets = () => undefined;

describe('parseRouting', () => {
  it.each([
    ['an unknown route type', { route: { type: 'voicemail' } }, 'route.type'],
    ['a forward to an invalid number', { route: { type: 'forward', to: '+1555' } }, 'route.to'],
    ['a forward with a ring timeout out of range', { route: { type: 'forward', to: '+46701234567', ringTimeoutS: 1 } }, 'route.ringTimeoutS'],
    ['a message without text or files', { route: { type: 'message' } }, 'route.text'],
    ['a message whose text is null, without files', { route: { type: 'message', text: null } }, 'route.text'],
    ['a message over 600 characters', { route: { type: 'message', text: 'x'.repeat(601) } }, 'route.text'],
    ['a menu without main', menu([{ id: 'start', prompt: 'Hi', options: [{ dtmf: '1', route: { type: 'reject' } }] }]), 'route.menus'],
    ['a menu option pointing nowhere', menu([{ id: 'main', prompt: 'Hi', options: [{ dtmf: '1', menu: 'ghost' }] }]), 'route.menus[0].options[0].menu'],
    [
      'a menu option with both menu and route',
      menu([{ id: 'main', prompt: 'Hi', options: [{ dtmf: '1', menu: 'main', route: { type: 'reject' } }] }]),
      'route.menus[0].options[0]',
    ],
    [
      'a nested menu route',
      menu([{ id: 'main', prompt: 'Hi', options: [{ dtmf: '1', route: { type: 'menu', menus: [] } }] }]),
      'route.menus[0].options[0].route.type',
    ],
    [
      'a key used twice',
      menu([
        {
          id: 'main',
          prompt: 'Hi',
          options: [
            { dtmf: '1', route: { type: 'reject' } },
            { dtmf: '1', route: { type: 'reject' } },
          ],
        },
      ]),
      'route.menus[0].options[1].dtmf',
    ],
    [
      'an unreachable menu',
      menu([
        { id: 'main', prompt: 'Hi', options: [{ dtmf: '1', route: { type: 'reject' } }] },
        { id: 'lost', prompt: 'x', options: [{ dtmf: '1', route: { type: 'reject' } }] },
      ]),
      'route.menus[1].id',
    ],
    ['a queue route while no queue feature is installed', { route: { type: 'queue', target: 'support' } }, 'route.type'],
    ['a conference route while no conference feature is installed', { route: { type: 'conference', target: 'bridge' } }, 'route.type'],
    [
      'businessHours without afterHours',
      { route: { type: 'reject' }, businessHours: { timeZone: 'UTC', weekly: [{ days: ['mon'], open: '08:00', close: '09:00' }] } },
      'afterHours',
    ],
    ['an unknown top-level field', { route: { type: 'reject' }, fallback: {} }, 'fallback'],
    ['an unknown route field', { route: { type: 'reject', loud: true } }, 'route.loud'],
  ])('refuses %s, naming %s', (_name, body, field) => {
    expect(fields(body)).toContain(field);
    expect(parseRouting(body, none).routing).toBeUndefined();
  });

  it(`refuses menus deeper than ${ROUTE_LIMITS.menuDepth} levels`, () => {
    const chain = ['main', 'a', 'b', 'c'].map((id, i, ids) => ({
      id,
      prompt: id,
      options: [i < ids.length - 1 ? { dtmf: '1', menu: ids[i + 1] } : { dtmf: '1', route: { type: 'reject' } }],
    }));
    expect(fields(menu(chain))).toEqual(['route.menus[3].id']);
    expect(fields(menu(chain.slice(0, 3).map((m, i) => (i === 2 ? { ...m, options: [{ dtmf: '1', route: { type: 'reject' } }] } : m))))).toEqual([]);
  });

  it('accepts a target route once its feature registered, and lists the target to check', () => {
    const parsed = parseRouting({ route: { type: 'queue', target: 'support' } }, new Set<TargetRouteType>(['queue']));
    expect(parsed.problems).toEqual([]);
    expect(parsed.targets).toEqual([{ field: 'route.target', type: 'queue', target: 'support' }]);
  });

  it('normalises a forward and fills its defaults', () => {
    expect(parseRouting({ route: { type: 'forward', to: '+46 70 123 45 67' } }, none).routing).toEqual({
      route: { type: 'forward', to: '+46701234567', callerId: 'caller', ringTimeoutS: 30 },
    });
  });
});

describe('route SVAML', () => {
  it('a message says its text then hangs up; a reject hangs up unanswered', () => {
    expect(iceAnswer({ route: { type: 'message', text: 'Hi', locale: 'sv-SE' } }, call(), noTargets)).toEqual({
      label: 'message',
      svaml: { instructions: [{ name: 'say', text: 'Hi', locale: 'sv-SE' }], action: { name: 'hangup' } },
    });
    expect(iceAnswer({ route: { type: 'reject' } }, call(), noTargets).svaml).toEqual({ action: { name: 'hangup' } });
  });

  it('a forward connects with its ring timeout; passthrough leaves the cli to Sinch, dialled shows our number', () => {
    const route = { type: 'forward' as const, to: '+46709999999', callerId: 'caller' as const, ringTimeoutS: 20, fallbackMessage: 'Sorry' };
    expect(iceAnswer({ route }, call(), noTargets).svaml).toEqual({ action: { name: 'connectPstn', number: '+46709999999', dialTimeout: 20 } });
    expect(iceAnswer({ route: { ...route, callerId: 'dialled' } }, call(), noTargets).svaml.action).toMatchObject({ cli: '+15550100001' });
    // The caller is the forward target: ringing would call them back on their own line.
    expect(iceAnswer({ route }, { ...call(), from: '+46709999999' }, noTargets).svaml).toEqual({
      instructions: [{ name: 'say', text: 'Sorry' }],
      action: { name: 'hangup' },
    });
  });

  it('outside business hours the after-hours route runs', () => {
    const routing = {
      route: { type: 'reject' as const },
      businessHours: { timeZone: 'Europe/Stockholm', weekly: [{ days: ['mon' as const], open: '09:00', close: '17:00' }], holidays: [] },
      afterHours: { type: 'message' as const, text: 'Closed' },
    };
    expect(iceAnswer(routing, call('2026-11-30T10:00:00Z'), noTargets).label).toBe('reject');
    expect(iceAnswer(routing, call('2026-11-30T20:00:00Z'), noTargets).label).toBe('after_hours:message');
  });

  it('a menu runs runMenu whose route options come back in the PIE and lead to their route', () => {
    const parsed = parseRouting(
      menu([
        {
          id: 'main',
          prompt: 'Sales 1, support 2',
          options: [
            { dtmf: '1', route: { type: 'message', text: 'Sales' } },
            { dtmf: '2', menu: 'support' },
          ],
        },
        { id: 'support', prompt: 'Billing 1', options: [{ dtmf: '1', route: { type: 'forward', to: '+46701234567' } }] },
      ]),
      none,
    ).routing!;
    const answer = iceAnswer(parsed, call(), noTargets);
    expect(answer.label).toBe('menu');
    const menus = (answer.svaml.action as { menus: { id: string; options: { dtmf: string; action: string }[] }[] }).menus;
    expect(menus[0].options).toEqual([
      { dtmf: '1', action: 'return(nr:+15550100001:r:main:1)' },
      { dtmf: '2', action: 'menu(support)' },
    ]);
    const choice = menuChoice({ type: 'return', value: 'nr:+15550100001:r:support:1', menuId: 'support' })!;
    expect(choice.recordingDecided).toBe(false);
    expect(chosenRoute(parsed, choice)).toMatchObject({ type: 'forward', to: '+46701234567' });
    expect(menuChoice({ type: 'return', value: 'confirm' })).toBeUndefined();
    expect(menuChoice({ type: 'timeout', value: '' })).toBeUndefined();
  });

  it('a menu served after the route decided the recording carries that in its choices, for the target behind it', () => {
    const parsed = parseRouting(menu([{ id: 'main', prompt: 'Sales 1', options: [{ dtmf: '1', route: { type: 'message', text: 'Sales' } }] }]), none).routing!;
    const menus = (iceAnswer(parsed, call(), noTargets, true).svaml.action as { menus: { options: { action: string }[] }[] }).menus;
    expect(menus[0].options[0].action).toBe('return(nr:+15550100001:r:main:1:d)');
    const choice = menuChoice({ type: 'return', value: 'nr:+15550100001:r:main:1:d', menuId: 'main' })!;
    expect(choice).toMatchObject({ menuId: 'main', dtmf: '1', recordingDecided: true });
    expect(chosenRoute(parsed, choice)).toMatchObject({ type: 'message', text: 'Sales' });
  });
});
