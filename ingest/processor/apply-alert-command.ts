// An operator's decision on alerts through the brand's state. Like identity
// commands, these arrive on events.raw between the brand's events and commit
// with the batch; the time is the command's own issued_at, so a replay
// decides the same. A command that no longer applies (the alert resolved,
// the silence already ended) is refused with a reason the brand sees.
import type { AlertCommand } from '../../src/lib/shared/alert-rules';
import type { AlertSilence } from '../../src/lib/shared/model';
import type { BrandState } from './brand-state';
import type { Changes } from './changes';
import type { CommandResult } from './apply-command';
import { shortHash } from './ids';

/** The longest silence an operator may set. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

export const silenceIdFor = (brandId: string, commandId: string) => `s_${shortHash(brandId, commandId)}`;

export function applyAlertCommand(
  state: BrandState,
  command: AlertCommand,
  atMs: number,
  changes: Changes,
): CommandResult {
  const at = new Date(atMs).toISOString();
  switch (command.type) {
    case 'acknowledge': {
      const entry = [...state.openAlerts.entries()].find(([, alert]) => alert.alert_id === command.alert_id);
      if (!entry)
        return { ok: false, detail: `alert ${command.alert_id} is not open (resolved, or not this brand's)` };
      const [key, alert] = entry;
      if (alert.acknowledged_by !== null)
        return {
          ok: false,
          detail: `alert ${command.alert_id} was already acknowledged by ${alert.acknowledged_by}`,
        };
      const acknowledged = {
        ...alert,
        acknowledged_by: command.issued_by,
        acknowledged_at: at,
        updated_at: at,
      };
      state.openAlerts.set(key, acknowledged);
      changes.alert(state, acknowledged);
      return { ok: true };
    }
    case 'silence': {
      const endsMs = Date.parse(command.ends_at);
      if (endsMs <= atMs)
        return { ok: false, detail: `the silence would end (${command.ends_at}) before it starts (${at})` };
      if (endsMs - atMs > MAX_SILENCE_MS) return { ok: false, detail: 'a silence lasts at most 30 days' };
      const silence: AlertSilence = {
        brand_id: state.brand.brand_id,
        silence_id: silenceIdFor(state.brand.brand_id, command.command_id),
        rule_id: command.rule_id,
        subject: command.subject,
        starts_at: at,
        ends_at: new Date(endsMs).toISOString(),
        reason: command.reason,
        created_by: command.issued_by,
        cancelled_at: null,
      };
      if (state.silences.has(silence.silence_id))
        return { ok: false, detail: `silence ${silence.silence_id} exists already` };
      state.silences.set(silence.silence_id, silence);
      changes.silence(state, silence);
      return { ok: true };
    }
    case 'unsilence': {
      const silence = state.silences.get(command.silence_id);
      if (!silence || silence.cancelled_at !== null || Date.parse(silence.ends_at) <= atMs)
        return {
          ok: false,
          detail: `silence ${command.silence_id} is not active (ended, or not this brand's)`,
        };
      const ended = { ...silence, cancelled_at: at };
      state.silences.set(ended.silence_id, ended);
      changes.silence(state, ended);
      return { ok: true };
    }
  }
}
