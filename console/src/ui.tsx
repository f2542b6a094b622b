import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

// Shows an API error as the API words it, each invalid field with its rule; nothing fails silently.
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error" role="alert">
      <strong>{apiError && apiError.status ? `${apiError.status}${apiError.code ? ` ${apiError.code}` : ''}: ` : ''}</strong>
      {message}
      {apiError && apiError.details.length > 0 && (
        <ul>
          {apiError.details.map((d) => (
            <li key={d.field + (d.rule ?? '')}>
              <code>{d.field}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

// Loads data and reloads it on demand; the error is kept for an ErrorBox.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

// Runs a user action, remembering its error; `busy` disables the buttons meanwhile.
export function useAction(): { run: (action: () => Promise<unknown>) => Promise<void>; busy: boolean; error?: unknown; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(undefined) };
}

export const formatTime = (iso?: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <progress value={value} max={Math.max(max, 1)} aria-label={label}>
      {value}/{max}
    </progress>
  );
}
