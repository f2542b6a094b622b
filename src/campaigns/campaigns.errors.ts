import { featureError } from 'src/common/app-error';

// Errors of campaigns and their contacts: the codes by kind (the kind sets the HTTP status).
export class CampaignsError extends featureError({
  not_found: ['campaign_not_found'],
  invalid: ['invalid_campaign', 'invalid_contacts', 'invalid_contact_query', 'invalid_estimate'],
  conflict: ['campaign_not_editable', 'campaign_changed', 'invalid_transition', 'campaign_has_no_contacts', 'import_not_allowed'],
}) {}
