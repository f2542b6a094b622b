import { HttpStatus } from '@nestjs/common';

// What went wrong, in terms a client can act on. Each feature throws its own error class with a code from its enum
// (see featureError); the exception filter maps the code's kind to an HTTP status, exhaustively.
export type AppErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'upstream' | 'unavailable';

export const APP_ERROR_STATUS: Record<AppErrorKind, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  upstream: HttpStatus.BAD_GATEWAY,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly details?: FieldProblem[],
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

// A feature's error class, declared once with the kind (so the HTTP status) of each of its codes; a code left out of
// `kinds` does not compile. The code reaches the client as the error body's `code`.
//   export enum CallsErrorCode { CallNotFound = 'call_not_found' }
//   export class CallsError extends featureError<CallsErrorCode>({ call_not_found: 'not_found' }) {}
export function featureError<C extends string>(kinds: Readonly<Record<C, AppErrorKind>>) {
  return class extends AppError {
    declare readonly code: C;

    constructor(code: C, message: string, details?: FieldProblem[]) {
      super(kinds[code], message, details, code);
    }
  };
}
