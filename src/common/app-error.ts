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

// A feature's error class, declared once as its codes grouped by kind (the kind sets the HTTP status):
//   export class CallsError extends featureError({ not_found: ['call_not_found'], conflict: ['call_ended'] }) {}
//   throw new CallsError('call_not_found', `Call ${id} not found`);
// A code not declared does not compile at the throw; a code declared under two kinds fails at start-up. The code reaches
// the client as the error body's `code`.
export type ErrorCodesByKind = Readonly<Partial<Record<AppErrorKind, readonly string[]>>>;
export type ErrorCodeOf<K extends ErrorCodesByKind> = { [P in keyof K]-?: K[P] extends readonly (infer C extends string)[] ? C : never }[keyof K];

export function featureError<const K extends ErrorCodesByKind>(codesByKind: K) {
  const kindOf = new Map<string, AppErrorKind>();
  for (const [kind, codes] of Object.entries(codesByKind) as [AppErrorKind, readonly string[]][]) {
    for (const code of codes) {
      if (kindOf.has(code)) throw new Error(`Error code ${code} is declared as both ${kindOf.get(code)} and ${kind}`);
      kindOf.set(code, kind);
    }
  }
  return class extends AppError {
    declare readonly code: ErrorCodeOf<K>;

    constructor(code: ErrorCodeOf<K>, message: string, details?: FieldProblem[]) {
      super(kindOf.get(code)!, message, details, code);
    }
  };
}
