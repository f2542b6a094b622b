import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { normalizePhoneNumber } from 'src/common/phone-number';

// A number libphonenumber accepts as dialable (numbering-plan check), in international format.
export function IsDialableNumber(options: ValidationOptions & { allowPrivate?: boolean } = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDialableNumber',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a valid phone number in international format, e.g. +46701234567${options.allowPrivate ? ', or "private"' : ''}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && ((options.allowPrivate && value === 'private') || normalizePhoneNumber(value) !== null),
      },
    });
}
