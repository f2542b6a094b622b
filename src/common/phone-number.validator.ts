import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { normalizePhoneNumber } from 'src/common/phone-number';

// Another accepted form beside a number (e.g. a caller-id pool reference), described for the error message.
export interface AlternativeForm {
  test: (value: unknown) => boolean;
  description: string;
}

// A number libphonenumber accepts as dialable (numbering-plan check), in international format.
export function IsDialableNumber(options: ValidationOptions & { allowPrivate?: boolean; orElse?: AlternativeForm } = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDialableNumber',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a valid phone number in international format, e.g. +46701234567${options.allowPrivate ? ', or "private"' : ''}${options.orElse ? `, or ${options.orElse.description}` : ''}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          options.orElse?.test(value) === true ||
          (typeof value === 'string' && ((options.allowPrivate && value === 'private') || normalizePhoneNumber(value) !== null)),
      },
    });
}
