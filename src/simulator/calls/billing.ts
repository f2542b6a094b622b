// Money is kept in integer micro-units (1e-6 of the currency) so sums and rounding are exact; floats only
// appear at the JSON edge, where Sinch itself sends `amount` as a number.
export interface RateEntry {
  prefix: string;
  perMinute: string;
}

export interface AppliedRate {
  prefix: string;
  perMinuteMicro: bigint;
}

export const DEFAULT_RATES: readonly RateEntry[] = [
  { prefix: '+1', perMinute: '0.0135' },
  { prefix: '+44', perMinute: '0.0150' },
  { prefix: '+46', perMinute: '0.0200' },
];
export const DEFAULT_FALLBACK_RATE = '0.0500';

const MICRO = 1_000_000n;
const MONEY_PATTERN = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

export function parseMoney(value: string): bigint {
  const match = MONEY_PATTERN.exec(value);
  if (!match) {
    throw new Error(`"${value}" is not a decimal amount with at most 6 decimals`);
  }
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return BigInt(match[1]) * MICRO + BigInt(fraction);
}

// At least 4 decimals ("0.0270"), more only when the value needs them ("0.013725").
export function formatMoney(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = abs / MICRO;
  let fraction = (abs % MICRO).toString().padStart(6, '0');
  while (fraction.length > 4 && fraction.endsWith('0')) {
    fraction = fraction.slice(0, -1);
  }
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

export function moneyAmount(micro: bigint): number {
  return Number(formatMoney(micro));
}

function normalizeNumber(value: string): string {
  const digits = value.replace(/[^\d]/g, '');
  return `+${digits}`;
}

export class RateTable {
  private readonly entries: { prefix: string; perMinuteMicro: bigint }[];
  private readonly fallback: bigint;

  constructor(rates: readonly RateEntry[], fallbackRate: string = DEFAULT_FALLBACK_RATE) {
    let fallback = parseMoney(fallbackRate);
    const entries: { prefix: string; perMinuteMicro: bigint }[] = [];
    for (const rate of rates) {
      const perMinuteMicro = parseMoney(rate.perMinute);
      // An empty or "*" prefix is the catch-all rate.
      if (rate.prefix === '' || rate.prefix === '*') {
        fallback = perMinuteMicro;
        continue;
      }
      if (!/^\+?\d+$/.test(rate.prefix)) {
        throw new Error(`rate prefix "${rate.prefix}" must be digits with an optional leading +`);
      }
      entries.push({ prefix: normalizeNumber(rate.prefix), perMinuteMicro });
    }
    // Longest prefix first, so the first hit is the most specific one.
    this.entries = entries.sort((a, b) => b.prefix.length - a.prefix.length);
    this.fallback = fallback;
  }

  rateFor(number: string): AppliedRate {
    const normalized = normalizeNumber(number);
    const hit = this.entries.find((entry) => normalized.startsWith(entry.prefix));
    return hit ? { prefix: hit.prefix, perMinuteMicro: hit.perMinuteMicro } : { prefix: '', perMinuteMicro: this.fallback };
  }
}

// Billed per started increment (60 s by default: 61 s costs two minutes); sub-minute increments round the
// result up to the next micro-unit, as carriers round in their own favour.
export function computeDebit(perMinuteMicro: bigint, durationS: number, incrementS: number): bigint {
  if (durationS <= 0) {
    return 0n;
  }
  const increments = Math.ceil(durationS / incrementS);
  const billedSeconds = BigInt(increments * incrementS);
  return (perMinuteMicro * billedSeconds + 59n) / 60n;
}
