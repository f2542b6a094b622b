import { controlInput } from 'src/simulator/http/sim-errors';

export type Outcome = 'answered' | 'busy' | 'noanswer' | 'failed' | 'machine';
export const OUTCOMES: readonly Outcome[] = ['answered', 'busy', 'noanswer', 'failed', 'machine'];

export interface OutcomeRule {
  match?: string;
  regex?: string;
  outcome: Outcome;
  ringTimeS?: number;
  talkTimeS?: number;
}

export interface OutcomeTimings {
  ringTimeS: number;
  talkTimeS: number;
  noAnswerTimeoutS: number;
}

export interface ResolvedOutcome {
  outcome: Outcome;
  // Seconds of ringing before the outcome shows (answer, busy tone, failure or the no-answer timeout).
  ringTimeS: number;
  // Seconds the far end stays on the line once connected before hanging up.
  talkTimeS: number;
  rule: string;
}

// The documented default, keyed on the destination's last digits; ...66 is checked first.
export function defaultOutcome(number: string): Outcome {
  const digits = number.replace(/\D/g, '');
  if (digits.endsWith('66')) return 'machine';
  switch (digits.slice(-1)) {
    case '7':
      return 'busy';
    case '8':
      return 'noanswer';
    case '9':
      return 'failed';
    default:
      return 'answered';
  }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

interface CompiledRule {
  rule: OutcomeRule;
  test: RegExp;
  label: string;
}

export class OutcomeRules {
  private compiled: CompiledRule[] = [];

  constructor(private readonly timings: OutcomeTimings) {}

  set(rules: OutcomeRule[]): void {
    this.compiled = rules.map((rule) => ({
      rule,
      test: rule.regex !== undefined ? new RegExp(rule.regex) : globToRegExp(rule.match ?? '*'),
      label: rule.regex !== undefined ? `regex:${rule.regex}` : `match:${rule.match}`,
    }));
  }

  list(): OutcomeRule[] {
    return this.compiled.map((c) => c.rule);
  }

  resolve(number: string, dialTimeoutS?: number): ResolvedOutcome {
    const hit = this.compiled.find((c) => c.test.test(number));
    const outcome = hit ? hit.rule.outcome : defaultOutcome(number);
    const noAnswerS = dialTimeoutS ?? this.timings.noAnswerTimeoutS;
    const defaultRing = outcome === 'noanswer' ? noAnswerS : this.timings.ringTimeS;
    return {
      outcome,
      ringTimeS: hit?.rule.ringTimeS ?? defaultRing,
      talkTimeS: hit?.rule.talkTimeS ?? this.timings.talkTimeS,
      rule: hit ? hit.label : 'default',
    };
  }
}

function optionalSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86400) {
    throw controlInput(field, 'must be a number of seconds between 0 and 86400');
  }
  return value;
}

export function parseRules(body: unknown): OutcomeRule[] {
  const list = Array.isArray(body) ? body : (body as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) {
    throw controlInput('rules', 'must be an array of { match | regex, outcome, ringTimeS?, talkTimeS? }');
  }
  return list.map((raw: unknown, i): OutcomeRule => {
    const field = `rules[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw controlInput(field, 'must be an object');
    const item = raw as Record<string, unknown>;
    const known = ['match', 'regex', 'outcome', 'ringTimeS', 'talkTimeS'];
    const unknown = Object.keys(item).find((key) => !known.includes(key));
    if (unknown) throw controlInput(`${field}.${unknown}`, `unknown field (allowed: ${known.join(', ')})`);
    if ((item.match === undefined) === (item.regex === undefined)) {
      throw controlInput(`${field}.match`, 'give exactly one of match (glob with * and ?) or regex');
    }
    if (item.match !== undefined && (typeof item.match !== 'string' || item.match === '')) {
      throw controlInput(`${field}.match`, 'must be a non-empty glob string such as "+4670*" or "*7"');
    }
    if (item.regex !== undefined) {
      if (typeof item.regex !== 'string') throw controlInput(`${field}.regex`, 'must be a string');
      try {
        new RegExp(item.regex);
      } catch {
        throw controlInput(`${field}.regex`, 'is not a valid regular expression');
      }
    }
    if (typeof item.outcome !== 'string' || !OUTCOMES.includes(item.outcome as Outcome)) {
      throw controlInput(`${field}.outcome`, `must be one of ${OUTCOMES.join(', ')}`);
    }
    return {
      ...(item.match !== undefined ? { match: item.match as string } : { regex: item.regex as string }),
      outcome: item.outcome as Outcome,
      ringTimeS: optionalSeconds(item.ringTimeS, `${field}.ringTimeS`),
      talkTimeS: optionalSeconds(item.talkTimeS, `${field}.talkTimeS`),
    };
  });
}
