import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { createSimulator } from 'src/simulator/simulator';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { DEV_CREDENTIAL } from 'src/sinch/signing';
import { EMBEDDED_SIMULATOR_URL } from 'src/sinch/sinch.module';

export const EMBEDDED_SIMULATOR = Symbol('EMBEDDED_SIMULATOR');

// The app's choice, not the Sinch client's: role `all` without credentials and without an explicit SINCH_VOICE_URL
// runs the Sinch simulator in-process, signing with the development credentials the service uses in simulator mode.
// SinchModule imports this module for EMBEDDED_SIMULATOR_URL (null when no simulator runs here).
@Module({
  providers: [
    {
      provide: EMBEDDED_SIMULATOR,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<SinchSimulator | null> => {
        if (!config.simulatorMode || config.role !== 'all' || config.sinch.voiceUrl) return null;
        return createSimulator({
          port: config.simulator.port,
          ...DEV_CREDENTIAL,
          timeScale: config.simulator.timeScale,
          recordingsS3Endpoint: config.recordings.s3.endpoint,
        });
      },
    },
    {
      provide: EMBEDDED_SIMULATOR_URL,
      inject: [EMBEDDED_SIMULATOR],
      useFactory: (simulator: SinchSimulator | null): string | null => simulator?.url ?? null,
    },
  ],
  exports: [EMBEDDED_SIMULATOR, EMBEDDED_SIMULATOR_URL],
})
export class EmbeddedSimulatorModule implements OnApplicationShutdown {
  constructor(@Inject(EMBEDDED_SIMULATOR) private readonly simulator: SinchSimulator | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.close();
  }
}
