import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown, Type } from '@nestjs/common';
import { recordingDefaults } from 'src/sinch/svaml/recording-defaults';
import { AppConfig } from 'src/config/app-config';
import { DEV_CREDENTIAL, type SinchCredential } from 'src/sinch/signing';
import { regionVoiceUrl, SINCH_MANAGEMENT_URL, SinchVoiceClient } from 'src/sinch/voice-client';

export const WEBHOOK_PATH = '/webhooks/sinch/voice';

// Where a simulator this process runs listens, or null. The app layer decides whether to run one and provides this
// token (see SinchModule.forRoot); sinch/ never imports the simulator.
export const EMBEDDED_SIMULATOR_URL = Symbol('EMBEDDED_SIMULATOR_URL');

// The application credentials callbacks may be signed with: the current one, and the previous one during a
// secret rotation. In simulator mode, the simulator's documented development credentials.
@Injectable()
export class SinchCredentials {
  readonly current: SinchCredential;
  readonly all: SinchCredential[];

  constructor(config: AppConfig) {
    const { applicationKey, applicationSecret, previous } = config.sinch;
    this.current = applicationKey && applicationSecret ? { applicationKey, applicationSecret } : DEV_CREDENTIAL;
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
    @Inject(EMBEDDED_SIMULATOR_URL) private readonly embeddedSimulatorUrl: string | null,
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
    const where = this.embeddedSimulatorUrl ? `embedded Sinch simulator at ${this.embeddedSimulatorUrl}` : `Sinch simulator at ${this.client.voiceUrl}`;
    try {
      await this.client.updateCallbackUrls({ primary: this.url });
      this.logger.log(`No Sinch credentials: using the ${where}; callbacks go to ${this.url}`);
    } catch (error) {
      // A standalone simulator may start after us: the service still runs, and says what to fix.
      this.logger.warn(
        `No Sinch credentials and the ${where} did not take the webhook URL (${(error as Error).message}); start it (npm run simulator) or set SINCH_VOICE_URL`,
      );
    }
  }
}

@Injectable()
class SinchShutdown implements OnApplicationShutdown {
  constructor(private readonly client: SinchVoiceClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

@Module({})
export class SinchModule {
  // `embeddedSimulator` is the app's module that provides EMBEDDED_SIMULATOR_URL (and runs the simulator, if any).
  static forRoot(embeddedSimulator: Type<unknown> | DynamicModule): DynamicModule {
    return {
      module: SinchModule,
      global: true,
      imports: [embeddedSimulator],
      providers: [
        SinchCredentials,
        {
          provide: SinchVoiceClient,
          inject: [AppConfig, SinchCredentials, EMBEDDED_SIMULATOR_URL],
          useFactory: (config: AppConfig, credentials: SinchCredentials, embeddedSimulatorUrl: string | null) => {
            const simulatorUrl = embeddedSimulatorUrl ?? `http://127.0.0.1:${config.simulator.port}`;
            const voiceUrl = config.sinch.voiceUrl ?? (config.simulatorMode ? simulatorUrl : regionVoiceUrl(config.sinch.region));
            const managementUrl = config.sinch.managementUrl ?? (config.simulatorMode ? (config.sinch.voiceUrl ?? simulatorUrl) : SINCH_MANAGEMENT_URL);
            return new SinchVoiceClient({
              voiceUrl,
              managementUrl,
              ...credentials.current,
              timeoutMs: config.sinch.requestTimeoutMs,
              recording: recordingDefaults(config),
            });
          },
        },
        SinchWebhook,
        SinchShutdown,
      ],
      exports: [SinchCredentials, SinchVoiceClient, SinchWebhook],
    };
  }
}
