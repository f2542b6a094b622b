import { featureError } from 'src/common/app-error';

// Errors of campaigns and their contacts; each code's kind sets its HTTP status.
export enum CampaignsErrorCode {
  CampaignNotFound = 'campaign_not_found',
  InvalidCampaign = 'invalid_campaign',
  CampaignNotEditable = 'campaign_not_editable',
  CampaignChanged = 'campaign_changed',
  InvalidTransition = 'invalid_transition',
  NoContacts = 'campaign_has_no_contacts',
  InvalidContacts = 'invalid_contacts',
  ImportNotAllowed = 'import_not_allowed',
  InvalidContactQuery = 'invalid_contact_query',
  InvalidEstimate = 'invalid_estimate',
}

export class CampaignsError extends featureError<CampaignsErrorCode>({
  [CampaignsErrorCode.CampaignNotFound]: 'not_found',
  [CampaignsErrorCode.InvalidCampaign]: 'invalid',
  [CampaignsErrorCode.CampaignNotEditable]: 'conflict',
  [CampaignsErrorCode.CampaignChanged]: 'conflict',
  [CampaignsErrorCode.InvalidTransition]: 'conflict',
  [CampaignsErrorCode.NoContacts]: 'conflict',
  [CampaignsErrorCode.InvalidContacts]: 'invalid',
  [CampaignsErrorCode.ImportNotAllowed]: 'conflict',
  [CampaignsErrorCode.InvalidContactQuery]: 'invalid',
  [CampaignsErrorCode.InvalidEstimate]: 'invalid',
}) {}
