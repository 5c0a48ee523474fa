import { OpsAlert, PRIORITY, Transport } from '../models';
import { Store } from '../store/types';
import { compose, enqueue } from './compose';
import { SMS_TRANSPORTS, SmsRoutes, smsTransportFor } from './routes';

/** How operations alerts reach staff. */
export interface OpsAlertSettings {
  /** On-call numbers told by SMS; without them the alert is only on the dashboard and in the log. */
  oncallSms?: readonly string[];
  smsRoutes?: SmsRoutes;
  /** Transports this instance can send with. */
  available: readonly Transport[];
  foldGsm: boolean;
  /** The same alert is sent again by SMS at most this often while it lasts (6 hours). */
  repeatMs?: number;
}

const SIX_HOURS = 6 * 3_600_000;

/**
 * A send failed in a way only staff can fix (`ChimbaError.staffAlert`): the alert of that
 * transport and cause is opened or counted, and on-call staff get one SMS, again at most
 * every `repeatMs` while it lasts, by another SMS provider than the failing one when there
 * is one (an empty Africa's Talking balance is reported through Twilio). Returns the SMS queued.
 */
export async function raiseOpsAlert(
  store: Store,
  settings: OpsAlertSettings,
  alert: { transport: Transport; code: string; text: string },
  now = new Date(),
): Promise<number> {
  const alerts = store.collection('opsAlerts');
  const _id = `${alert.transport}:${alert.code}`;
  const what = { transport: alert.transport, code: alert.code, text: alert.text, lastAt: now };
  const counted = await alerts.updateOne(
    { _id, resolvedAt: { $exists: false } },
    { $set: what, $inc: { count: 1 } },
  );
  // new, or back after it was resolved: opened afresh
  if (!counted.matched)
    await alerts.updateOne(
      { _id },
      { $set: { ...what, firstAt: now, count: 1 }, $unset: { resolvedAt: '', notifiedAt: '' } },
      { upsert: true },
    );
  if (!settings.oncallSms?.length) return 0;
  const repeat = settings.repeatMs ?? SIX_HOURS;
  // one instance claims the notification: the others see notifiedAt set
  const claimed = await alerts.findOneAndUpdate(
    {
      _id,
      $or: [{ notifiedAt: { $exists: false } }, { notifiedAt: { $lt: new Date(now.getTime() - repeat) } }],
    },
    { $set: { notifiedAt: now } },
    { returnDocument: 'after' },
  );
  if (!claimed) return 0;
  const text = `Chimba: ${alert.text} (${alert.transport}, since ${hhmm(claimed.firstAt)} UTC, ${claimed.count} failed).`;
  const messages = settings.oncallSms.flatMap((to) =>
    compose(
      { text },
      {
        channel: 'sms',
        transport: carrierFor(settings, to, alert.transport),
        to,
        priority: PRIORITY.alert,
        dedupeKey: `ops:${_id}:${now.getTime()}:${to}`,
        now,
      },
      settings.foldGsm,
    ),
  );
  return enqueue(store, messages);
}

/** Closes the open alerts of a transport that sends again. Returns how many closed. */
export async function resolveOpsAlerts(
  store: Store,
  transport: Transport,
  now = new Date(),
): Promise<number> {
  const r = await store
    .collection('opsAlerts')
    .updateMany({ transport, resolvedAt: { $exists: false } }, { $set: { resolvedAt: now } });
  return r.modified;
}

/** Alerts still open, newest first (the dashboard's overview). */
export async function openOpsAlerts(store: Store): Promise<OpsAlert[]> {
  return store
    .collection('opsAlerts')
    .find({ resolvedAt: { $exists: false } }, { sort: { lastAt: -1 }, limit: 20 });
}

/** The SMS provider for an on-call number: its route, unless that is the one failing and another is set up. */
function carrierFor(settings: OpsAlertSettings, to: string, failing: Transport): Transport {
  const sms = SMS_TRANSPORTS.filter((t) => settings.available.includes(t));
  const routed = settings.smsRoutes ? smsTransportFor(settings.smsRoutes, to) : (sms[0] ?? 'simulator');
  if (routed !== failing) return routed;
  return sms.find((t) => t !== failing) ?? routed;
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);
