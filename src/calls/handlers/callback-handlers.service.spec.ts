import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { parseCallbackEvent, type DiceEvent, type IceEvent } from 'src/sinch/callback-events';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';

const ice = parseCallbackEvent({ event: 'ice', callid: 'c1', to: { type: 'did', endpoint: '+15550100001' } }) as IceEvent;
const dice = parseCallbackEvent({ event: 'dice', callid: 'c1', result: 'ANSWERED' }) as DiceEvent;
const ctx = { receivedAt: new Date() };
const followCtx = { finalised: true, source: 'dice' as const, call: async () => null };

describe('CallbackHandlers', () => {
  it('the first answer by priority, then registration order, wins', () => {
    const handlers = new CallbackHandlers();
    handlers.register({ name: 'late', ice: () => buildSvaml(svaml.hangup()) });
    handlers.register({ name: 'early', priority: 10, ice: () => buildSvaml(svaml.park()) });
    handlers.register({ name: 'silent', priority: 1, ice: () => undefined });
    expect(handlers.answer(ice, ctx)).toEqual({ action: { name: 'park' } });
  });

  it('skips a handler that throws or answers SVAML invalid for the callback', () => {
    const handlers = new CallbackHandlers();
    handlers.register({
      name: 'throws',
      priority: 1,
      ice: () => {
        throw new Error('boom');
      },
    });
    handlers.register({ name: 'invalid', priority: 2, ice: () => buildSvaml(svaml.continue()) });
    handlers.register({ name: 'good', priority: 3, ice: () => buildSvaml(svaml.hangup()) });
    expect(handlers.answer(ice, ctx)).toEqual({ action: { name: 'hangup' } });
  });

  it('answers undefined when nobody claims, and unregisters', () => {
    const handlers = new CallbackHandlers();
    const off = handlers.register({ name: 'x', ice: () => buildSvaml(svaml.hangup()) });
    off();
    expect(handlers.answer(ice, ctx)).toBeUndefined();
    expect(handlers.hasFollowUps('dice')).toBe(false);
  });

  it('runs every follow-up, isolating failures', async () => {
    const handlers = new CallbackHandlers();
    const seen: string[] = [];
    handlers.register({
      name: 'a',
      dice: async () => {
        seen.push('a');
        throw new Error('db');
      },
    });
    handlers.register({
      name: 'b',
      dice: () => {
        seen.push('b');
      },
    });
    handlers.register({ name: 'answers-only', ice: () => undefined });
    expect(handlers.hasFollowUps('dice')).toBe(true);
    expect(handlers.hasFollowUps('notify')).toBe(false);
    const failures = await handlers.followUp(dice, followCtx);
    expect(seen).toEqual(['a', 'b']);
    expect(failures.map((f) => f.handler)).toEqual(['a']);
  });
});
