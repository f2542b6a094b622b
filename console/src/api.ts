// The admin API as the console uses it: every request carries the API key from sessionStorage in the Authorization
// header (never in a URL), and every error is an ApiError worded as the API words it, with its fields.

const KEY_STORAGE = 'cc-console-api-key';

export type Role = 'admin' | 'supervisor' | 'reporting' | 'agent';

export interface ErrorDetail {
  field: string;
  rule?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_STORAGE, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_STORAGE);

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}`, ...extra } : extra;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown; code?: string; details?: ErrorDetail[] };
    const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? response.statusText);
    return new ApiError(response.status, message, body.code, Array.isArray(body.details) ? body.details : []);
  } catch {
    return new ApiError(response.status, text || `${response.status} ${response.statusText}`);
  }
}

export async function request(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: headers(extraHeaders) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = headers({ 'content-type': 'application/json', ...extraHeaders });
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, `The service did not answer (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await request(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body ?? {});

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

// Which role the key has: the API has no "who am I" route, so the console asks routes that only some roles may call.
// 403 answers there are the API's own role limits; the console only hides what the API would refuse anyway.
export async function detectRole(): Promise<Role> {
  const probe = async (path: string): Promise<boolean> => {
    try {
      await request('GET', path);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) return false;
      throw error;
    }
  };
  if (await probe('/api/v1/api-keys?limit=1')) return 'admin';
  if (await probe('/api/v1/recordings/policies')) return 'supervisor';
  if (await probe('/api/v1/calls?limit=1')) return 'reporting';
  await request('GET', '/api/v1/agents/me');
  return 'agent';
}

// Downloads a response body as a file (the key cannot go in a link's URL, so the file is fetched, then saved).
export async function download(path: string, filename: string, accept: string): Promise<void> {
  const response = await request('GET', path, undefined, { accept });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const put = <T>(path: string, body?: unknown): Promise<T> => api<T>('PUT', path, body ?? {});
export const del = <T>(path: string): Promise<T> => api<T>('DELETE', path);

// An upload with progress (fetch reports none): the key still travels in the Authorization header.
export function upload<T>(path: string, body: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const key = storedKey();
    if (key) xhr.setRequestHeader('authorization', `Bearer ${key}`);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : body.size);
    xhr.onerror = () => reject(new ApiError(0, 'The upload did not reach the service'));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as T);
      else void errorOf(response).then(reject);
    };
    xhr.send(body);
  });
}
