// Between the processor and the notifier: turns committed alert changes into
// notifications for the brand's receivers (as configured now), keeps the
// delivery log in the warehouse and on the live stream, and at start sends
// again what a previous process committed but never got delivered.
//
// Why re-send: the processor tells the notifier only after the batch that
// changed the alert is committed, so a crash between that commit and a
// delivery would lose the notification. At start, every alert notified
// within the notifier's give-up horizon whose delivery log has no final
// outcome (delivered, gave_up) for a receiver is queued again. Receivers may
// so get a notification twice, never none: delivery is at least once.
import type { AlertNotification, AlertReceiver } from '../../src/lib/shared/alert-rules';
import type { LiveMessage } from '../../src/lib/shared/live';
import type { Alert, AlertDelivery } from '../../src/lib/shared/model';
import type { BrandRegistry } from '../brands/types';
import type { AlertNotice } from '../processor/changes';
import type { WarehouseWriter } from '../warehouse/types';
import type { Notifier } from './notifier';
import { DEFAULT_BACKOFF } from './retry-policy';

export interface AlertDispatchDeps {
  brands: Pick<BrandRegistry, 'get'>;
  /** The dashboard's base URL (no trailing slash): notifications link to the alert there. */
  publicUrl: string;
}

/** The notification a receiver gets for an alert's firing or resolve. */
export function notificationOf(
  alert: Alert,
  state: AlertNotice['state'],
  publicUrl: string,
): AlertNotification {
  return {
    brand_id: alert.brand_id,
    alert_id: alert.alert_id,
    rule_id: alert.rule_id,
    rule_type: alert.rule_type,
    subject: alert.subject,
    severity: alert.severity,
    state,
    message: alert.message,
    value: alert.value,
    threshold: alert.threshold,
    at: (state === 'firing' ? alert.fired_at : alert.resolved_at) ?? alert.updated_at,
    url: `${publicUrl}/alerts?alert=${encodeURIComponent(alert.alert_id)}`,
  };
}

/** Hands each notice to the notifier with the brand's receivers; a brand without receivers is told nothing. */
export function createAlertDispatch(notifier: Notifier, deps: AlertDispatchDeps) {
  const receiversOf = (brandId: string): readonly AlertReceiver[] =>
    deps.brands.get(brandId)?.settings.alerts.receivers ?? [];
  return {
    notify(notices: readonly AlertNotice[]): void {
      for (const { alert, state } of notices) {
        const receivers = receiversOf(alert.brand_id);
        if (receivers.length > 0) notifier.notify(notificationOf(alert, state, deps.publicUrl), receivers);
      }
    },
    /** Queues again what the delivery log does not show as finished (see above); returns how many. */
    async resendUnfinished(
      warehouse: Pick<WarehouseWriter, 'recentNotifications'>,
      nowMs: number,
    ): Promise<number> {
      const since = new Date(nowMs - DEFAULT_BACKOFF.giveUpAfterMs).toISOString();
      const { alerts, deliveries } = await warehouse.recentNotifications(since);
      const finished = new Set(
        deliveries
          // Final: delivered, or given up for a reason other than this process closing.
          .filter(
            (d) => d.outcome === 'delivered' || (d.outcome === 'gave_up' && d.give_up_reason !== 'closed'),
          )
          .map((d) => `${d.brand_id}\u0000${d.alert_id}\u0000${d.state}\u0000${d.receiver_id}`),
      );
      let queued = 0;
      const byTime = [...alerts].sort((a, b) => a.updated_at.localeCompare(b.updated_at));
      for (const alert of byTime) {
        if (!alert.notified) continue;
        const states: AlertNotice['state'][] =
          alert.state === 'resolved' ? ['firing', 'resolved'] : ['firing'];
        for (const state of states) {
          const notification = notificationOf(alert, state, deps.publicUrl);
          if (notification.at < since) continue;
          const missing = receiversOf(alert.brand_id).filter(
            (r) =>
              !finished.has(`${alert.brand_id}\u0000${alert.alert_id}\u0000${state}\u0000${r.receiver_id}`),
          );
          if (missing.length === 0) continue;
          notifier.notify(notification, missing);
          queued += 1;
        }
      }
      return queued;
    },
  };
}

export interface DeliveryLogDeps {
  warehouse: Pick<WarehouseWriter, 'recordDeliveries'>;
  /** Pushes each record to the brand's dashboards; must not throw. */
  publish: (messages: LiveMessage[]) => Promise<void>;
  /** A write that failed (kept and tried again with the next flush). */
  onError: (error: unknown) => void;
  /** How long records gather before they are written together. */
  flushMs?: number;
}

/** Records are kept while the warehouse refuses them, up to this many (then the oldest go, counted). */
const MAX_PENDING_RECORDS = 10_000;

/**
 * The delivery log's writer: the notifier's onDelivery (which must not throw
 * or wait) appends here; records are written in order, a batch at a time.
 */
export function createDeliveryLog(deps: DeliveryLogDeps) {
  let pending: AlertDelivery[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;

  const flush = (): Promise<void> => {
    timer = undefined;
    writing = writing.then(async () => {
      if (pending.length === 0) return;
      const rows = pending;
      pending = [];
      try {
        await deps.warehouse.recordDeliveries(rows);
      } catch (error) {
        pending = [...rows, ...pending];
        if (pending.length > MAX_PENDING_RECORDS) {
          dropped += pending.length - MAX_PENDING_RECORDS;
          pending = pending.slice(-MAX_PENDING_RECORDS);
        }
        deps.onError(error);
        return;
      }
      await deps.publish(rows.map((row) => ({ brand_id: row.brand_id, event: 'delivery', payload: row })));
    });
    return writing;
  };

  return {
    record(row: AlertDelivery): void {
      pending.push(row);
      timer ??= setTimeout(() => void flush(), deps.flushMs ?? 200);
    },
    /** Writes what is pending now (at close). */
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      await flush();
    },
    /** Records dropped because the warehouse refused them for too long. */
    dropped: () => dropped,
  };
}
