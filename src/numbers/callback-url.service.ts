import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { SinchWebhook } from 'src/sinch/sinch.module';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { CallbackUrlResponse } from 'src/numbers/dto/callback-url.response';
import { sinchFailure } from './sinch-failure';

// The callback URL Sinch has for this application, next to the one this service expects
// (PUBLIC_BASE_URL/webhooks/sinch/voice). A mismatch means no inbound call, ACE or DiCE reaches us.
@Injectable()
export class CallbackUrlService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Numbers');

  constructor(
    private readonly client: SinchVoiceClient,
    private readonly webhook: SinchWebhook,
    private readonly config: AppConfig,
  ) {}

  // One warning line at start when Sinch calls another URL. Not in simulator mode, where the service registers
  // itself; not awaited, so a slow Sinch never delays start-up.
  onApplicationBootstrap(): void {
    if (!this.config.runsApi || this.config.simulatorMode) return;
    void this.status().then(
      (s) => {
        if (!s.matches) this.logger.warn(callbackMismatchLine(s));
      },
      (error: unknown) =>
        this.logger.warn(
          `Could not read the callback URL Sinch has for this application (${(error as Error).message}); check it with GET /api/v1/numbers/callback-url`,
        ),
    );
  }

  async status(): Promise<CallbackUrlResponse> {
    let urls;
    try {
      urls = await this.client.getCallbackUrls();
    } catch (error) {
      throw sinchFailure(error, 'applicationKey', 'Reading the callback URL failed');
    }
    const expected = this.webhook.url;
    return { sinch: urls, expected, matches: urls.primary === expected };
  }

  // Sets Sinch's primary callback URL to ours; a fallback URL is left as it is.
  async fix(): Promise<CallbackUrlResponse> {
    try {
      await this.client.updateCallbackUrls({ primary: this.webhook.url });
    } catch (error) {
      throw sinchFailure(error, 'url.primary', 'Setting the callback URL failed');
    }
    return this.status();
  }
}

export function callbackMismatchLine(s: CallbackUrlResponse): string {
  return `Sinch sends this application's callbacks to ${s.sinch.primary ?? '(no URL)'} but this service expects ${s.expected}: inbound calls and call events will not arrive. Fix it with PUT /api/v1/numbers/callback-url (or set PUBLIC_BASE_URL)`;
}
