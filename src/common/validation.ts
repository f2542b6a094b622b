import { ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldProblem } from './app-error';

// Flattens class-validator's tree into one entry per broken rule, with a dotted path (contacts[3].phone).
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown_field' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not an allowed field` : message.replace(error.property, field),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      return new AppError('invalid', details.map((d) => d.message).join('; '), details);
    },
  });
}

// A route parameter that must be a UUID, rejected with the same error shape as a body field.
export function uuidParam(name: string): ParseUUIDPipe {
  const message = `${name} must be a UUID`;
  return new ParseUUIDPipe({ exceptionFactory: () => new AppError('invalid', message, [{ field: name, rule: 'isUuid', message }]) });
}
