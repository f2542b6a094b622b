// A JSON object (not null, not an array). Here in sinch/, the lowest layer that needs it (request and callback
// parsing, SVAML validation), so the simulator, which may import sinch/ only, shares it too.
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
