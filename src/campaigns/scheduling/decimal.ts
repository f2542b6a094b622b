// Compares two non-negative decimal strings exactly ("250.5" vs "250.500001"): money is never turned into floats.
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const [ai, af = ''] = a.trim().split('.');
  const [bi, bf = ''] = b.trim().split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(width, '0'));
  const y = BigInt(bi + bf.padEnd(width, '0'));
  return x === y ? 0 : x > y ? 1 : -1;
}
