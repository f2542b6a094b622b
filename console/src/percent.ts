// Decimal strings (up to 6 decimals) as integer millionths: the percent is exact decimal maths, no float.
const micros = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole + fraction.padEnd(6, '0').slice(0, 6));
};
// Spent as a percent of the limit, to one decimal (rounded down).
export function percentOf(spent: string, amount: string): string {
  const limit = micros(amount);
  if (limit === 0n) return '—';
  const tenths = (micros(spent) * 1000n) / limit;
  return `${tenths / 10n}.${tenths % 10n} %`;
}
