import { featureError } from 'src/common/app-error';

// Errors of compliance (do-not-call lists, the frequency cap): the codes by kind (the kind sets the HTTP status).
export class ComplianceError extends featureError({
  invalid: ['not_callable', 'invalid_dnc_entry'],
  not_found: ['dnc_entry_not_found', 'campaign_not_found'],
  conflict: ['dnc_entry_changed'],
}) {}
