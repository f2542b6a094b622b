import { featureError } from 'src/common/app-error';

// Errors of compliance (do-not-call lists, the frequency cap); each code's kind sets its HTTP status.
export enum ComplianceErrorCode {
  NotCallable = 'not_callable',
  InvalidDncEntry = 'invalid_dnc_entry',
  DncEntryNotFound = 'dnc_entry_not_found',
  DncEntryChanged = 'dnc_entry_changed',
  CampaignNotFound = 'campaign_not_found',
}

export class ComplianceError extends featureError<ComplianceErrorCode>({
  [ComplianceErrorCode.NotCallable]: 'invalid',
  [ComplianceErrorCode.InvalidDncEntry]: 'invalid',
  [ComplianceErrorCode.DncEntryNotFound]: 'not_found',
  [ComplianceErrorCode.DncEntryChanged]: 'conflict',
  [ComplianceErrorCode.CampaignNotFound]: 'not_found',
}) {}
