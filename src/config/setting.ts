import { isBase64, isURL, maxLength, minLength } from 'class-validator';

// The environment as read at start-up: empty values count as unset.
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

// One line naming the variable and the rule it breaks (class-validator's wording); never the value, which may be a secret.
function invalid(name: string, rule: string): never {
  throw new ConfigError(`Invalid configuration: ${name} ${rule}`);
}

// How one setting is read from the environment: validated, or its default when unset.
export class Setting<T> {
  constructor(
    readonly name: string,
    readonly read: (env: Env) => T,
  ) {}
}

// A default is a value or, where it depends on other variables, computed from the environment.
type Fallback<T> = T | ((env: Env) => T);
type WithDefault<T> = { default?: Fallback<T> };
// A setting with a default always has a value; one without is undefined when unset.
type Read<T, O> = Setting<O extends { default: Fallback<T> } ? T : T | undefined>;

function setting<T, O extends WithDefault<T>>(name: string, options: O, parse: (raw: string) => T): Read<T, O> {
  return new Setting(name, (env) => {
    const raw = env[name];
    if (raw !== undefined) return parse(raw);
    const fallback = options.default;
    return typeof fallback === 'function' ? (fallback as (env: Env) => T)(env) : fallback;
  }) as Read<T, O>;
}

type Range = { min: number; max: number };

function within(name: string, value: number, { min, max }: Range): number {
  if (value < min) invalid(name, `must not be less than ${min}`);
  if (value > max) invalid(name, `must not be greater than ${max}`);
  return value;
}

export function int<O extends Range & WithDefault<number>>(name: string, options: O): Read<number, O> {
  return setting(name, options, (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) invalid(name, 'must be an integer number');
    return within(name, Number(raw), options);
  });
}

// An integer of megabytes, read as bytes.
export function megabytes<O extends Range & WithDefault<number>>(name: string, options: O): Read<number, O> {
  const mb = int(name, options);
  return new Setting(name, (env) => {
    const value = mb.read(env);
    return value === undefined ? value : value * 1024 * 1024;
  }) as Read<number, O>;
}

export function num<O extends Range & WithDefault<number>>(name: string, options: O): Read<number, O> {
  return setting(name, options, (raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) invalid(name, 'must be a number conforming to the specified constraints');
    return within(name, value, options);
  });
}

export function bool<O extends WithDefault<boolean>>(name: string, options: O): Read<boolean, O> {
  return setting(name, options, (raw) => {
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    return invalid(name, 'must be a boolean value');
  });
}

export function oneOf<const V extends readonly string[], O extends WithDefault<V[number]>>(name: string, values: V, options: O): Read<V[number], O> {
  return setting(name, options, (raw) =>
    values.includes(raw) ? (raw as V[number]) : invalid(name, `must be one of the following values: ${values.join(', ')}`),
  );
}

type TextRule = { minLength?: number; maxLength?: number; pattern?: RegExp; rule?: string };

// `rule` words a pattern for the reader (without it, class-validator's "must match /.../ regular expression").
export function text<O extends TextRule & WithDefault<string>>(name: string, options = {} as O): Read<string, O> {
  const { minLength: min, maxLength: max, pattern, rule } = options;
  return setting(name, options, (raw) => {
    if (min !== undefined && !minLength(raw, min)) invalid(name, `must be longer than or equal to ${min} characters`);
    if (max !== undefined && !maxLength(raw, max)) invalid(name, `must be shorter than or equal to ${max} characters`);
    if (pattern && !pattern.test(raw)) invalid(name, rule ?? `must match ${pattern} regular expression`);
    return raw;
  });
}

export function url<O extends WithDefault<string>>(name: string, protocols: string[], options = {} as O): Read<string, O> {
  return setting(name, options, (raw) =>
    isURL(raw, { protocols, require_tld: false, require_protocol: true }) ? raw : invalid(name, 'must be a URL address'),
  );
}

export function base64(name: string): Setting<string | undefined> {
  return setting(name, {}, (raw) => (isBase64(raw) ? raw : invalid(name, 'must be base64 encoded')));
}

// Variables set together or not at all (credentials and their secret): undefined when none is.
export function together<G extends Record<string, Setting<string | undefined>>>(group: G): Setting<{ [K in keyof G]: string } | undefined> {
  const name = Object.values(group)
    .map((member) => member.name)
    .join(' and ');
  return new Setting(name, (env) => {
    const values = Object.entries(group).map(([key, member]) => [key, member.read(env)] as const);
    const set = values.filter(([, value]) => value !== undefined).length;
    if (set === 0) return undefined;
    if (set < values.length) invalid(name, 'must be set together');
    return Object.fromEntries(values) as { [K in keyof G]: string };
  });
}

type Declaration = { [key: string]: Setting<unknown> | Declaration };
// The typed values of a declaration: its shape, each setting replaced by what it reads.
export type Values<D> = { [K in keyof D]: D[K] extends Setting<infer T> ? T : Values<D[K]> };

export function readAll<D extends Declaration>(declaration: D, env: Env): Values<D> {
  const entries = Object.entries(declaration).map(([key, item]) => [key, item instanceof Setting ? item.read(env) : readAll(item, env)]);
  return Object.fromEntries(entries) as Values<D>;
}
