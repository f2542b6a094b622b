// Which number of a pool a call shows as caller id. Pure: the candidates, their statistics and the round-robin
// counter are passed in.

export interface PoolCandidate {
  number: string;
  country: string | null;
}

export interface NumberStats {
  calls: number;
  answered: number;
}

export type PickMatch = 'area_code' | 'country' | 'any';

// Local presence: a number with the callee's area code (NANP, +1), else of the callee's country, else any;
// round-robin within the best group so the calls spread over the pool's numbers.
export function pickLocal(
  candidates: PoolCandidate[],
  destination: { e164: string; country?: string },
  counter: number,
): { cli: string; match: PickMatch } | undefined {
  if (candidates.length === 0) return undefined;
  const groups: [PickMatch, PoolCandidate[]][] = [];
  if (destination.e164.startsWith('+1') && destination.e164.length === 12) {
    const area = destination.e164.slice(0, 5);
    groups.push(['area_code', candidates.filter((c) => c.number.startsWith(area))]);
  }
  if (destination.country) groups.push(['country', candidates.filter((c) => c.country === destination.country)]);
  groups.push(['any', candidates]);
  const [match, group] = groups.find(([, g]) => g.length > 0) as [PickMatch, PoolCandidate[]];
  return { cli: group[Math.abs(counter) % group.length].number, match };
}

export function answerRate(s: NumberStats | undefined): number | null {
  return s && s.calls > 0 ? s.answered / s.calls : null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// A number is flagged when it has enough calls to judge and answers far below its pool's median: carriers may
// show it as "likely spam". Numbers with too few calls count neither for the median nor against themselves.
export function flaggedNumbers(stats: Map<string, NumberStats>, policy: { minCalls: number; ratio: number }): { median: number | null; flagged: Set<string> } {
  const judged = [...stats].filter(([, s]) => s.calls >= policy.minCalls);
  const m = median(judged.map(([, s]) => s.answered / s.calls));
  const flagged = new Set<string>();
  if (m !== null && judged.length >= 2) {
    for (const [number, s] of judged) if (s.answered / s.calls < m * policy.ratio) flagged.add(number);
  }
  return { median: m, flagged };
}
