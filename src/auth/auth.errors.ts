import { featureError } from 'src/common/app-error';

// Errors of authentication and API keys: the codes by kind (the kind sets the HTTP status).
export class AuthError extends featureError({
  unauthorized: ['api_key_missing', 'api_key_invalid'],
  forbidden: ['role_forbidden'],
  not_found: ['api_key_not_found'],
}) {}
