import { summarize } from 'src/common/validation';
import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, type FieldProblem } from 'src/common/app-error';
import { CalloutsError } from 'src/callouts/callouts.errors';
import { type CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import { CreateCalloutPipe } from './create-callout.pipe';

export const MAX_BATCH_CALLS = 1_000;

// `{ calls: [...] }`: 1 to MAX_BATCH_CALLS callouts, each validated as POST /api/v1/callouts validates its body.
// Every problem of every item is reported at once, named `calls[i].field`; one invalid item refuses the batch.
@Injectable()
export class CalloutBatchPipe implements PipeTransform<unknown, Promise<CreateCalloutDto[]>> {
  private readonly item = new CreateCalloutPipe();

  async transform(value: unknown): Promise<CreateCalloutDto[]> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidBatch([{ field: 'body', rule: 'isObject', message: 'The body must be a JSON object with a `calls` array' }]);
    }
    const unknown = Object.keys(value).filter((k) => k !== 'calls');
    if (unknown.length > 0) throw invalidBatch(unknown.map((field) => ({ field, rule: 'unknown_field', message: `${field} is not an allowed field` })));
    const calls = (value as { calls?: unknown }).calls;
    if (!Array.isArray(calls)) throw invalidBatch([{ field: 'calls', rule: 'isArray', message: 'calls must be an array of callouts' }]);
    if (calls.length === 0) throw invalidBatch([{ field: 'calls', rule: 'arrayMinSize', message: 'calls must contain at least 1 callout' }]);
    if (calls.length > MAX_BATCH_CALLS) {
      throw invalidBatch([{ field: 'calls', rule: 'arrayMaxSize', message: `calls must contain no more than ${MAX_BATCH_CALLS} callouts` }]);
    }
    const problems: FieldProblem[] = [];
    const dtos: CreateCalloutDto[] = [];
    for (const [index, call] of calls.entries()) {
      try {
        dtos.push(await this.item.transform(call));
      } catch (error) {
        if (!(error instanceof AppError) || error.kind !== 'invalid') throw error;
        problems.push(...itemProblems(index, error.details ?? [{ field: '', rule: 'invalid', message: error.message }]));
      }
    }
    if (problems.length > 0) throw invalidBatch(problems);
    return dtos;
  }
}

// An item's problems under its place in the batch: `destination` becomes `calls[3].destination`.
export function itemProblems(index: number, problems: readonly FieldProblem[]): FieldProblem[] {
  const prefix = `calls[${index}]`;
  return problems.map((p) => ({
    field: p.field ? `${prefix}.${p.field}` : prefix,
    rule: p.rule,
    message: p.field && p.message.startsWith(p.field) ? `${prefix}.${p.message}` : `${prefix}: ${p.message}`,
  }));
}

export function invalidBatch(problems: FieldProblem[]): CalloutsError {
  return new CalloutsError(
    'invalid_callout',
    `Invalid callouts: ${summarize(
      problems.map((p) => p.message),
      5,
    )}`,
    problems,
  );
}
