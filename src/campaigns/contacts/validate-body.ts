import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors, inputProblems, invalidInput, VALIDATOR_OPTIONS } from 'src/common/validation';
import { isRecord } from 'src/sinch/json';
import { CampaignsError } from 'src/campaigns/campaigns.errors';

// The global ValidationPipe's rules for a body the route could not type up front (it takes JSON or a CSV stream).
export function validateBody<T extends object>(type: new () => T, body: unknown): T {
  if (!isRecord(body)) {
    throw new CampaignsError('invalid_contacts', 'The body must be a JSON object (or send text/csv)', [
      { field: 'body', rule: 'type', message: 'The body must be a JSON object' },
    ]);
  }
  const problems = inputProblems(body, type);
  if (problems.length > 0) throw invalidInput(problems);
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw invalidInput(flattenValidationErrors(errors));
  return instance;
}
