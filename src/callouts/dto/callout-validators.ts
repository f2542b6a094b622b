import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

// A flat object of short scalar values: the caller's own data carried in Sinch's `custom` next to our call id.
export function IsFlatRecord(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFlatRecord',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) => `${args.property} must be an object of string, number or boolean values with keys of 1 to 64 characters`,
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
