// Sinch sends money as { currencyId, amount } with `amount` a JSON number (voice-api-openapi.txt `money`/`price`).
// We keep amounts as exact decimal strings (stored as numeric next to the currency), never as floats.
export interface Money {
  currency: string;
  amount: string;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

// Plain decimal text: no exponent, no leading zeros in the integer part, no trailing zeros in the fraction.
function normalize(text: string): string | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exponent) > 400) return undefined;
  let digits = m[2] + (m[3] ?? '');
  let point = m[2].length + exponent;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const integer = digits.slice(0, point).replace(/^0+/, '') || '0';
  const fraction = digits.slice(point).replace(/0+$/, '');
  const unsigned = fraction ? `${integer}.${fraction}` : integer;
  return unsigned === '0' ? '0' : `${m[1] === '-' ? '-' : ''}${unsigned}`;
}

// JSON.parse has already turned `0.368` into the nearest double. String(n) yields the shortest decimal that
// round-trips to that double, which is exactly the literal Sinch wrote (for up to 15 significant digits), so
// we recover "0.368" rather than 0.36799999999999999; only the exponent form (1e-7) needs expanding.
export function toDecimalString(value: number | string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? normalize(String(value)) : undefined;
  return normalize(value);
}

export function isMoneyLike(value: unknown): value is { currencyId: unknown; amount: unknown } {
  return typeof value === 'object' && value !== null && 'currencyId' in value && 'amount' in value;
}

// Undefined when the value is not a Sinch money object with a currency and a decimal amount.
export function toMoney(value: unknown): Money | undefined {
  if (!isMoneyLike(value)) return undefined;
  const { currencyId, amount } = value;
  if (typeof currencyId !== 'string' || currencyId.length === 0) return undefined;
  if (typeof amount !== 'number' && typeof amount !== 'string') return undefined;
  const decimal = toDecimalString(amount);
  return decimal === undefined ? undefined : { currency: currencyId, amount: decimal };
}
