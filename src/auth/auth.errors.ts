import { featureError } from 'src/common/app-error';

// Errors of authentication and API keys; each code's kind sets its HTTP status.
export enum AuthErrorCode {
  MissingApiKey = 'api_key_missing',
  InvalidApiKey = 'api_key_invalid',
  RoleForbidden = 'role_forbidden',
  ApiKeyNotFound = 'api_key_not_found',
}

export class AuthError extends featureError<AuthErrorCode>({
  [AuthErrorCode.MissingApiKey]: 'unauthorized',
  [AuthErrorCode.InvalidApiKey]: 'unauthorized',
  [AuthErrorCode.RoleForbidden]: 'forbidden',
  [AuthErrorCode.ApiKeyNotFound]: 'not_found',
}) {}
