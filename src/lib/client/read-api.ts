// The browser's reads of the read API, authenticated by the session cookie.
import type {
  AlertDeliveriesBody,
  AlertsBody,
  HighIntentBody,
  IntentModelBody,
  KpisBody,
  MergesBody,
  SilencesBody,
} from '$lib/server/api/responses';
import type { CampaignSnapshot } from '$lib/server/campaign-data';
import type { AlertState, MergeAction } from '$lib/shared/model';

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
  intentModel: () => get<IntentModelBody>('/v1/models/intent').then((body) => body.model),
  kpis: () => get<KpisBody>('/v1/kpis').then((body) => body.minutes),
  highIntent: (limit: number) =>
    get<HighIntentBody>(`/v1/profiles/high-intent?limit=${limit}`).then((b) => b.profiles),
  alerts: (limit: number, states?: readonly AlertState[]) =>
    get<AlertsBody>(`/v1/alerts?limit=${limit}${states ? `&state=${states.join(',')}` : ''}`).then(
      (body) => body.alerts,
    ),
  silences: () => get<SilencesBody>('/v1/silences').then((body) => body.silences),
  deliveries: (alertId: string) =>
    get<AlertDeliveriesBody>(`/v1/alerts/${encodeURIComponent(alertId)}/deliveries`).then(
      (body) => body.deliveries,
    ),
  /** The Campaigns page's live snapshot (a page endpoint, not the read API). */
  campaignSnapshot: async (from: string, to: string): Promise<CampaignSnapshot> => {
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const response = await fetch(`/campaigns/snapshot?${query}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!response.ok)
      throw new ReadApiError(response.status, `campaign snapshot answered ${response.status}`);
    return (await response.json()) as CampaignSnapshot;
  },
  merges: (limit: number, actions: readonly MergeAction[] | undefined) =>
    get<MergesBody>(
      `/v1/merges?limit=${limit}${actions ? `&action=${encodeURIComponent(actions.join(','))}` : ''}`,
    ).then((body) => body.merges),
};
