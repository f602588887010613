import { alertCommandAction, alertSettingsAction } from '$lib/server/alert-actions';
import { SILENCE_PRESETS } from '$lib/server/alert-commands';
import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import { SOURCES } from '$lib/shared/events';
import type { Actions, PageServerLoad } from './$types';

/** Resolved alerts the history keeps (newest first). */
const HISTORY_LIMIT = 200;

export const load: PageServerLoad = async ({ locals }) => {
  const { brand } = requireSession(locals);
  const { warehouse } = dashboardContext();
  const [history, silences] = await Promise.all([
    warehouse.alerts(brand.brand_id, HISTORY_LIMIT, ['resolved']),
    warehouse.silences(brand.brand_id, new Date().toISOString()),
  ]);
  return {
    history,
    historyLimit: HISTORY_LIMIT,
    silences,
    settings: brand.settings.alerts,
    presets: SILENCE_PRESETS.map((preset) => ({ ...preset })),
    sources: [...SOURCES],
    now: new Date().toISOString(),
  };
};

export const actions: Actions = {
  acknowledge: (event) => alertCommandAction(event, 'acknowledge'),
  silence: (event) => alertCommandAction(event, 'silence'),
  unsilence: (event) => alertCommandAction(event, 'unsilence'),
  save_rule: (event) => alertSettingsAction(event, 'save_rule'),
  toggle_rule: (event) => alertSettingsAction(event, 'toggle_rule'),
  delete_rule: (event) => alertSettingsAction(event, 'delete_rule'),
  save_receiver: (event) => alertSettingsAction(event, 'save_receiver'),
  delete_receiver: (event) => alertSettingsAction(event, 'delete_receiver'),
};
