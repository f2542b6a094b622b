// Errors that mean "Postgres cannot be reached or refuses us now", as opposed to a bug or a bad row: those are the
// ones worth holding a queue for. SQLSTATE classes 08 (connection), 57P (shutdown), 53300 (too many connections),
// 55000 (database not accepting connections), plus socket errors and pg-pool's own timeout.
const CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '53300', '55000', '3D000']);
const MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not currently accepting connections|connection error|the database system is|Connection refused|write after end/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, driverError } = error as { code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof code === 'string' && (CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  return driverError !== undefined && isDatabaseUnavailable(driverError);
}
