// The browser's reads of the read API, authenticated by the session cookie.
import type { AlertsBody, HighIntentBody, KpisBody, MergesBody } from '$lib/server/api/responses';
import type { MergeAction } from '$lib/shared/model';

export class ReadApiError extends Error {
  override name = 'ReadApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`/api${path}`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    throw new ReadApiError(response.status, body?.error ?? `GET /api${path} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export const readApi = {
  kpis: () => get<KpisBody>('/v1/kpis').then((body) => body.minutes),
  highIntent: (limit: number) =>
    get<HighIntentBody>(`/v1/profiles/high-intent?limit=${limit}`).then((b) => b.profiles),
  alerts: (limit: number) => get<AlertsBody>(`/v1/alerts?limit=${limit}`).then((body) => body.alerts),
  merges: (limit: number, actions: readonly MergeAction[] | undefined) =>
    get<MergesBody>(
      `/v1/merges?limit=${limit}${actions ? `&action=${encodeURIComponent(actions.join(','))}` : ''}`,
    ).then((body) => body.merges),
};
