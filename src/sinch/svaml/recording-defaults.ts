import type { AppConfig } from 'src/config/app-config';
import type { StartRecordingOptions, Svaml } from 'src/sinch/svaml/svaml.types';

// Where Sinch uploads recordings and how (RECORDINGS_DESTINATION / RECORDINGS_CREDENTIALS / RECORDINGS_FORMAT).
export interface RecordingDefaults {
  destinationUrl: string;
  credentials?: string;
  format?: string;
}

// Fills every startRecording that names no destination with ours, on the way out to Sinch (callout requests,
// PATCHes, callback answers): features ask for a recording without knowing the storage, and the credentials are
// never stored with a call's request nor answered by our API.
export function withRecordingDefaults<T extends Svaml>(doc: T, defaults: RecordingDefaults | undefined): T {
  if (!defaults || !doc.instructions?.some((i) => i.name === 'startRecording')) return doc;
  const instructions = doc.instructions.map((ins) => {
    if (ins.name !== 'startRecording') return ins;
    const options: StartRecordingOptions = { ...(ins.options ?? {}) };
    if (options.destinationUrl === undefined && options.destination === undefined) {
      options.destinationUrl = defaults.destinationUrl;
      if (defaults.credentials !== undefined) options.credentials = defaults.credentials;
    }
    if (options.format === undefined && defaults.format !== undefined) options.format = defaults.format;
    if (options.notificationEvents === undefined) options.notificationEvents = true;
    return { ...ins, options };
  });
  return { ...doc, instructions };
}

export function recordingDefaults(config: AppConfig): RecordingDefaults {
  const { destination, credentials, format } = config.recordings;
  return { destinationUrl: destination, credentials, format };
}
