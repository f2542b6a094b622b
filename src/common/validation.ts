import { ArgumentMetadata, ParseUUIDPipe, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage, IS_OPTIONAL, ValidationTypes } from 'class-validator';
import { Stream } from 'node:stream';
import { AppError, FieldProblem } from './app-error';

// The input policy every route gets from the global pipe (README "Input policy"), checked before class-validator:
// - strings (and object keys) refuse control characters other than tab, newline and carriage return, and unpaired
//   UTF-16 surrogates: Postgres text and jsonb cannot store NUL or a lone surrogate, and none is meaningful input;
// - a nested settings object must be an object (class-validator would accept an array of them);
// - null in an optional field is refused unless the field is documented nullable, where null clears it.
export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- control characters are what this rule refuses
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_PROBLEMS = 20;
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

// class-transformer keeps its @Type metadata here and exports it under no other name (Nest's mapped types read it too).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

type Class = new (...args: never[]) => unknown;

// class-validator looks up a class's rules on every validation (and Nest's pipe once more per body) by testing the
// class against every class it knows: ~5 µs per object here, a tenth of a 1,000-callout batch's validation. The rules
// are fixed once the classes are defined, so each answer is kept, and all are dropped when a rule is registered.
memoiseRuleLookup();

function memoiseRuleLookup(): void {
  const storage = getMetadataStorage();
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  const known = new Map<string, ReturnType<typeof lookUp>>();
  const ids = new Map<unknown, number>();
  const idOf = (target: unknown): number => {
    let id = ids.get(target);
    if (id === undefined) ids.set(target, (id = ids.size));
    return id;
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${idOf(target)}|${schema}|${always}|${strictGroups}|${groups?.join(',') ?? ''}`;
    let rules = known.get(key);
    if (!rules) known.set(key, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  };
  storage.addValidationMetadata = (metadata) => {
    known.clear();
    register(metadata);
  };
}

// A parsed JSON object or query string (Fastify's has a prototype of its own); not a stream (a text/csv import body).
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Stream) && !Buffer.isBuffer(value);
}

export function isCleanText(text: string): boolean {
  return !FORBIDDEN_CHARACTERS.test(text);
}

function childField(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

// A class's decorators have all run once it is defined, so what they declare is looked up once per class (and
// property): class-validator's lookup scans every validated class, and the policy asks for each key of each body.
const dtoClasses = new WeakMap<Class, boolean>();
const rulesByClass = new WeakMap<Class, Map<string, PropertyRules | undefined>>();

function isDto(metatype: unknown): metatype is Class {
  if (typeof metatype !== 'function') return false;
  let known = dtoClasses.get(metatype as Class);
  if (known === undefined) {
    known = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
    dtoClasses.set(metatype as Class, known);
  }
  return known;
}

interface PropertyRules {
  optional: boolean;
  nullable: boolean;
  nestedObject: boolean; // ValidateNested without `each`: one object, never an array
  nestedType?: Class;
}

function propertyRules(metatype: Class, key: string): PropertyRules | undefined {
  let rules = rulesByClass.get(metatype);
  if (!rules) rulesByClass.set(metatype, (rules = new Map()));
  if (!rules.has(key)) rules.set(key, lookUpPropertyRules(metatype, key));
  return rules.get(key);
}

function lookUpPropertyRules(metatype: Class, key: string): PropertyRules | undefined {
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(metatype, '', true, false)
    .filter((m) => m.propertyName === key);
  if (metadata.length === 0) return undefined;
  const nested = metadata.find((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  const typeFunction = defaultMetadataStorage.findTypeMetadata(metatype, key)?.typeFunction;
  const nestedType = typeFunction?.() as Class | undefined;
  const swagger = Reflect.getMetadata(SWAGGER_PROPERTY, metatype.prototype as object, key) as { nullable?: boolean } | undefined;
  return {
    optional: metadata.some((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION && m.name === IS_OPTIONAL),
    nullable: swagger?.nullable === true,
    nestedObject: nested !== undefined && nested.each !== true,
    nestedType: isDto(nestedType) ? nestedType : undefined,
  };
}

// Walks a parsed body, query or param and lists what breaks the policy above. `metatype` is the DTO the value is
// bound to, when there is one.
export function inputProblems(value: unknown, metatype?: unknown, field = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (name: string, rule: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ field: name || 'body', rule, message });
  };

  const walk = (node: unknown, path: string, type: Class | undefined, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof node === 'string') {
      if (!isCleanText(node)) add(path, 'noControlCharacters', `${path || 'body'} must not contain control characters or unpaired surrogates`);
      return;
    }
    if (depth > MAX_JSON_DEPTH) {
      add(path, 'maxDepth', `${path || 'body'} is nested deeper than ${MAX_JSON_DEPTH} levels`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, childField(path, index), type, depth + 1));
      return;
    }
    if (!isRecord(node)) return; // numbers, booleans, null, streams
    for (const [key, child] of Object.entries(node)) {
      const name = childField(path, key);
      if (!isCleanText(key)) {
        add(path, 'noControlCharacters', `${path || 'body'} has a key with control characters or unpaired surrogates`);
        continue;
      }
      const rules = type ? propertyRules(type, key) : undefined;
      if (rules && child === null && rules.optional && !rules.nullable) {
        add(name, 'notNull', `${name} must not be null (leave it out instead)`);
        continue;
      }
      if (rules?.nestedObject && Array.isArray(child)) {
        add(name, 'isObject', `${name} must be an object`);
        continue;
      }
      walk(child, name, rules?.nestedType, depth + 1);
    }
  };

  if (isDto(metatype) && value !== undefined && value !== null && (Array.isArray(value) || typeof value !== 'object')) {
    add(field, 'isObject', `${field || 'The body'} must be a JSON object`);
    return problems;
  }
  walk(value, field, isDto(metatype) ? metatype : undefined, 0);
  return problems;
}

// The one 400 for bad input: a message listing every problem, and the problems themselves as details.
export function invalidInput(details: FieldProblem[]): AppError {
  return new AppError('invalid', details.map((d) => d.message).join('; '), details);
}

// The first `shown` of many messages and how many more: an error message that stays one readable line.
export function summarize(messages: readonly string[], shown = 3): string {
  const more = messages.length > shown ? ` (+${messages.length - shown} more)` : '';
  return messages.slice(0, shown).join('; ') + more;
}

// The same for one field a service finds wrong (a rule the DTO cannot express).
export function invalidField(field: string, rule: string, message: string): AppError {
  return invalidInput([{ field, rule, message }]);
}

// Flattens class-validator's tree into one entry per broken rule, with a dotted path (contacts[3].phone).
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown_field' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not an allowed field` : message.replace(error.property, field),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

// class-validator's options for every DTO, whichever pipe or helper validates it.
export const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true } as const;

// ValidationPipe preceded by the input policy. Custom params (@Req, @Headers) are not input it judges.
class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = inputProblems(value, metadata.metatype, metadata.data ?? '');
      if (problems.length > 0) throw invalidInput(problems);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(options: Pick<ValidationPipeOptions, 'stopAtFirstError'> = {}): ValidationPipe {
  return new InputValidationPipe({
    ...VALIDATOR_OPTIONS,
    ...options,
    transform: true,
    exceptionFactory: (errors) => invalidInput(flattenValidationErrors(errors)),
  });
}

// A route parameter that must be a UUID, rejected with the same error shape as a body field.
export function uuidParam(name: string): ParseUUIDPipe {
  const message = `${name} must be a UUID`;
  return new ParseUUIDPipe({ exceptionFactory: () => invalidInput([{ field: name, rule: 'isUuid', message }]) });
}
