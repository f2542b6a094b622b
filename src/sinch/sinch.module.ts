import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { createSimulator } from 'src/simulator/simulator';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { DEV_APPLICATION_KEY, DEV_APPLICATION_SECRET } from 'src/simulator/simulator.config';
import type { SinchCredential } from './signing';
import { regionVoiceUrl, SINCH_MANAGEMENT_URL, SinchVoiceClient } from './voice-client';

export const WEBHOOK_PATH = '/webhooks/sinch/voice';
const EMBEDDED_SIMULATOR = Symbol('EMBEDDED_SIMULATOR');

// The application credentials callbacks may be signed with: the current one, and the previous one during a
// secret rotation. In simulator mode, the simulator's documented development credentials.
@Injectable()
export class SinchCredentials {
  readonly current: SinchCredential;
  readonly all: SinchCredential[];

  constructor(config: AppConfig) {
    const { applicationKey, applicationSecret, previous } = config.sinch;
    this.current =
      applicationKey && applicationSecret
        ? { applicationKey, applicationSecret }
        : { applicationKey: DEV_APPLICATION_KEY, applicationSecret: DEV_APPLICATION_SECRET };
    this.all = previous ? [this.current, previous] : [this.current];
  }
}

// Where Sinch must send callbacks, and the path it signs them with.
@Injectable()
export class SinchWebhook {
  private readonly logger = new Logger('Sinch');
  private baseUrl: string;

  constructor(
    private readonly config: AppConfig,
    private readonly client: SinchVoiceClient,
    @Inject(EMBEDDED_SIMULATOR) private readonly simulator: SinchSimulator | null,
  ) {
    this.baseUrl = (config.publicBaseUrl ?? `http://127.0.0.1:${config.http.port}`).replace(/\/$/, '');
  }

  get url(): string {
    return this.baseUrl + WEBHOOK_PATH;
  }

  // Sinch signs the path of the URL it posts to; behind a proxy with a prefix that is not our route's path.
  get signedPath(): string {
    return new URL(this.url).pathname;
  }

  // Called once the HTTP server listens (its port may have been 0). In simulator mode the webhook is registered
  // with the simulator's management API, as an operator would do in the Sinch dashboard.
  async onListening(listeningUrl: string): Promise<void> {
    if (!this.config.publicBaseUrl) this.baseUrl = listeningUrl.replace(/\/$/, '');
    if (!this.config.simulatorMode) return;
    const where = this.simulator ? `embedded Sinch simulator at ${this.simulator.url}` : `Sinch simulator at ${this.client.voiceUrl}`;
    try {
      await this.client.updateCallbackUrls({ primary: this.url });
      this.logger.log(`No Sinch credentials: using the ${where}; callbacks go to ${this.url}`);
    } catch (error) {
      // A standalone simulator may start after us: the service still runs, and says what to fix.
      this.logger.warn(`No Sinch credentials and the ${where} did not take the webhook URL (${(error as Error).message}); start it (npm run simulator) or set SINCH_VOICE_URL`);
    }
  }
}

@Injectable()
class SinchShutdown implements OnApplicationShutdown {
  constructor(
    private readonly client: SinchVoiceClient,
    @Inject(EMBEDDED_SIMULATOR) private readonly simulator: SinchSimulator | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    await this.simulator?.close();
  }
}

@Global()
@Module({
  providers: [
    SinchCredentials,
    {
      provide: EMBEDDED_SIMULATOR,
      inject: [AppConfig, SinchCredentials],
      // Role `all` without credentials and without an explicit SINCH_VOICE_URL runs the simulator in-process.
      useFactory: async (config: AppConfig, credentials: SinchCredentials): Promise<SinchSimulator | null> => {
        if (!config.simulatorMode || config.role !== 'all' || config.sinch.voiceUrl) return null;
        return createSimulator({
          port: config.simulator.port,
          applicationKey: credentials.current.applicationKey,
          applicationSecret: credentials.current.applicationSecret,
          timeScale: config.simulator.timeScale,
        });
      },
    },
    {
      provide: SinchVoiceClient,
      inject: [AppConfig, SinchCredentials, EMBEDDED_SIMULATOR],
      useFactory: (config: AppConfig, credentials: SinchCredentials, simulator: SinchSimulator | null) => {
        const simulatorUrl = simulator?.url ?? `http://127.0.0.1:${config.simulator.port}`;
        const voiceUrl = config.sinch.voiceUrl ?? (config.simulatorMode ? simulatorUrl : regionVoiceUrl(config.sinch.region));
        const managementUrl =
          config.sinch.managementUrl ?? (config.simulatorMode ? (config.sinch.voiceUrl ?? simulatorUrl) : SINCH_MANAGEMENT_URL);
        return new SinchVoiceClient({ voiceUrl, managementUrl, ...credentials.current, timeoutMs: config.sinch.requestTimeoutMs });
      },
    },
    SinchWebhook,
    SinchShutdown,
  ],
  exports: [SinchCredentials, SinchVoiceClient, SinchWebhook, EMBEDDED_SIMULATOR],
})
export class SinchModule {}
export { EMBEDDED_SIMULATOR };
