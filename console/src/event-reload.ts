import { useEffect } from 'preact/hooks';
import { openStream, type StreamEvent } from './events';

// Re-reads a view (throttled) whenever the stream carries an event it cares about.
export function useEventReload(path: string, matches: (event: StreamEvent) => boolean, reload: () => void, deps: unknown[], delayMs = 250): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const close = openStream(path, {
      onEvent: (event) => {
        // At most one re-read per delay, however busy the stream (a reset debounce could starve the view).
        if (!matches(event) || timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          reload();
        }, delayMs);
      },
      onStatus: () => undefined,
    });
    return () => {
      clearTimeout(timer);
      close();
    };
  }, deps);
}
