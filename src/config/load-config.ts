import { AppConfig, AppConfigValues, SETTINGS } from './app-config';
import { ConfigError, Env, readAll } from './setting';

export { ConfigError };

// The rules between variables; each one line naming them.
function crossFieldProblem({ env, auth, sinch, recordings }: AppConfigValues): string | undefined {
  const production = env === 'production';
  if (production && !auth.bootstrapAdminKey) return 'ADMIN_API_KEY is required when NODE_ENV=production';
  if (Boolean(sinch.applicationKey) !== Boolean(sinch.applicationSecret)) {
    return 'SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET must be set together (or both unset for the simulator)';
  }
  // In production, simulator mode must be asked for (SINCH_VOICE_URL naming the simulator), never fallen into.
  if (production && !sinch.applicationKey && !sinch.voiceUrl) {
    return 'SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET are required when NODE_ENV=production (or set SINCH_VOICE_URL to a Sinch simulator)';
  }
  if (recordings.destination.startsWith('s3://') && !recordings.credentials) {
    return 'RECORDINGS_CREDENTIALS is required when RECORDINGS_DESTINATION is an s3:// URL';
  }
  return undefined;
}

// Validates the environment into AppConfig (SETTINGS declares every variable). Throws ConfigError with one line
// naming the variable and the rule. Secrets are never part of the message: only names and rules are.
export function loadConfig(env: Env): AppConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const values = readAll(SETTINGS, set);
  const problem = crossFieldProblem(values);
  if (problem) throw new ConfigError(`Invalid configuration: ${problem}`);
  return new AppConfig(values);
}

// The single place that reads process.env.
export function loadConfigFromProcessEnv(): AppConfig {
  return loadConfig(process.env);
}
