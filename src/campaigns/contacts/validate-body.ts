import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from 'src/common/validation';
import { isRecord } from 'src/sinch/json';
import { CampaignsError, CampaignsErrorCode } from 'src/campaigns/campaigns.errors';

// The global ValidationPipe's rules for a body the route could not type up front (it takes JSON or a CSV stream).
export function validateBody<T extends object>(type: new () => T, body: unknown): T {
  if (!isRecord(body)) {
    throw new CampaignsError(CampaignsErrorCode.InvalidContacts, 'The body must be a JSON object (or send text/csv)', [{ field: 'body', rule: 'type', message: 'The body must be a JSON object' }]);
  }
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const details = flattenValidationErrors(errors);
    throw new CampaignsError(CampaignsErrorCode.InvalidContacts, details.map((d) => d.message).join('; '), details);
  }
  return instance;
}
