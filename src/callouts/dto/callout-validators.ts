import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { isPoolCli, POOL_NAME } from 'src/callouts/caller-id-pools';

// A number libphonenumber accepts as dialable (numbering-plan check), in international format.
export function IsDialableNumber(options: ValidationOptions & { allowPrivate?: boolean; allowPool?: boolean } = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDialableNumber',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a valid phone number in international format, e.g. +46701234567${options.allowPrivate ? ', or "private"' : ''}${options.allowPool ? ', or { pool: "<caller-id pool>" }' : ''}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          (options.allowPool === true && isPoolCli(value) && POOL_NAME.test(value.pool)) ||
          (typeof value === 'string' && ((options.allowPrivate && value === 'private') || normalizePhoneNumber(value) !== null)),
      },
    });
}

// A flat object of short scalar values: the caller's own data carried in Sinch's `custom` next to our call id.
export function IsFlatRecord(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFlatRecord',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be an object of string, number or boolean values with keys of 1 to 64 characters`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.entries(value).every(
            ([k, v]) => k.length >= 1 && k.length <= 64 && ['string', 'number', 'boolean'].includes(typeof v) && (typeof v !== 'number' || Number.isFinite(v)),
          ),
      },
    });
}
