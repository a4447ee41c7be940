// Small typed wrappers over the Loom REST API.
import type { DeadLetters, HistoryResult, OeeLosses, OeeResult, PlantNode, SpcOptions, SpcResult, StatesResult, SystemInfo, TagInfo } from './api-types.js';

const BASE = 'api/v1';

/** An API answer that was not 2xx, with the server's message when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { signal, ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      // The API answers `{ error: { code, message } }`; older routes `{ message }` or `{ error: '...' }`.
      const body = (await response.json()) as { message?: string; error?: string | { message?: string } };
      message = body.message ?? (typeof body.error === 'string' ? body.error : body.error?.message) ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, `${path.split('?')[0]}: ${message}`);
  }
  return (await response.json()) as T;
}

function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return getJson<T>(path, signal, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

export const api = {
  assets: (signal?: AbortSignal) => getJson<PlantNode>(`${BASE}/assets`, signal),
  tags: (pattern: string, signal?: AbortSignal) =>
    getJson<{ tags: TagInfo[] }>(`${BASE}/tags?${query({ path: pattern })}`, signal).then((r) => r.tags),
  history: (tag: string, from: number, to: number, maxPoints: number, signal?: AbortSignal) =>
    getJson<HistoryResult>(`${BASE}/history?${query({ tag, from, to, maxPoints })}`, signal),
  states: (asset: string, from: number, to: number, signal?: AbortSignal) =>
    getJson<StatesResult>(`${BASE}/states?${query({ asset, from, to })}`, signal),
  system: (signal?: AbortSignal) => getJson<SystemInfo>(`${BASE}/system`, signal),
  deadLetters: (limit: number, signal?: AbortSignal) =>
    getJson<DeadLetters>(`${BASE}/dead-letters?${query({ limit })}`, signal),
  oee: (asset: string, from: number, to: number, by: string, signal?: AbortSignal) =>
    getJson<OeeResult>(`${BASE}/oee?${query({ asset, from, to, by })}`, signal),
  oeeLive: (asset: string, by: string, signal?: AbortSignal) => getJson<OeeResult>(`${BASE}/oee/live?${query({ asset, by })}`, signal),
  oeeLosses: (asset: string, from: number, to: number, bucketMs: number, signal?: AbortSignal) =>
    getJson<OeeLosses>(`${BASE}/oee/losses?${query({ asset, from, to, bucket: bucketMs })}`, signal),
  spc: (tag: string, from: number, to: number, options: SpcOptions, signal?: AbortSignal) =>
    getJson<SpcResult>(`${BASE}/spc?${query({ tag, from, to, ...options })}`, signal),
  spcMeasurements: (measurements: number[] | number[][], options: SpcOptions, signal?: AbortSignal) =>
    postJson<SpcResult>(`${BASE}/spc/measurements`, { measurements, ...options }, signal),
};

/** The URL of the live WebSocket for a tag pattern, relative to the page. */
export function liveUrl(pattern: string): string {
  const url = new URL(`${BASE}/live`, document.baseURI);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('path', pattern);
  return url.toString();
}
