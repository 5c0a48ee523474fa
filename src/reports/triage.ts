import { createHash } from 'node:crypto';
import { BadRequest, NotFound } from '../domain/errors';
import { Language } from '../domain/language';
import { renderSms } from '../i18n/render';
import { Translator } from '../i18n';
import { PRIORITY, Report, ReportState } from '../models';
import { addressedTo, compose, enqueue } from '../outbox/compose';
import { audit } from '../staff/audit';
import { Staff } from '../staff/credentials';
import { Store } from '../store/types';
import { contactLanguage, findContact, pickAddress } from '../contacts/contacts';

/** What staff change on a report. Every field optional. */
export interface TriageChange {
  state?: ReportState;
  /** A staff name, or null to unassign. */
  assignee?: string | null;
  /** An internal note; never sent. */
  note?: string;
  /** Send the reporter the new state ("Report C-4821: staff are following it up."). */
  notify?: boolean;
  /** A short free-text answer to the reporter, sent as `C-4821: <reply>` in one SMS segment. */
  reply?: string;
}

/** What triage needs from the deployment. */
export interface TriageSettings {
  translator: Translator;
  defaultLanguage: Language;
  smsFoldGsm: boolean;
}

/** Whether the reporter can be answered, and if not why (the dashboard says so). */
export type Reachability = 'reachable' | 'anonymous' | 'opted_out' | 'unknown_contact' | 'no_address';

/** Whether the reporter of a report can be sent an update. */
export async function reachability(store: Store, r: Report): Promise<Reachability> {
  if (r.anonymous || !r.contactId) return 'anonymous';
  const c = await findContact(store, r.contactId);
  if (!c) return 'unknown_contact';
  if (c.optedOut) return 'opted_out';
  return c.addresses.length ? 'reachable' : 'no_address';
}

/**
 * The text of a free-text answer, refused unless it fits one SMS segment as it will be
 * sent: folded to GSM-7 when the deployment folds (as broadcasts are), then counted.
 */
export function replyText(r: Pick<Report, 'reference'>, reply: string, foldGsm: boolean): string {
  const text = `${r.reference}: ${reply.trim()}`;
  const sms = renderSms({ text }, foldGsm);
  if (sms.segments > 1) {
    const message = `takes ${sms.segments} SMS segments (${sms.encoding}); keep it to one (${sms.encoding === 'GSM-7' ? 160 : 70} characters with the reference)`;
    throw new BadRequest(`reply: ${message}`, [{ field: 'reply', message }]);
  }
  return text;
}

/**
 * Moves a report through triage: state, assignee, internal notes, and optionally a
 * short update to the reporter through the line, by contact id, so staff never see the
 * number. Anonymous reports cannot be answered. Urgent reports leave the top once
 * someone changes their state.
 */
export async function triageReport(
  store: Store,
  s: TriageSettings,
  staff: Staff,
  id: string,
  change: TriageChange,
  now = new Date(),
): Promise<{ report: Report; sent: number; reach: Reachability }> {
  const result = await changeReport(store, s, staff.name, id, change, now);
  // the audit names the report as people do, by its reference
  await audit(store, staff, 'report.triage', result.report.reference, {
    id,
    state: change.state,
    assignee: change.assignee,
    note: change.note ? true : undefined,
    notified: result.sent,
  });
  return result;
}

async function changeReport(
  store: Store,
  s: TriageSettings,
  actor: string,
  id: string,
  change: TriageChange,
  now: Date,
): Promise<{ report: Report; sent: number; reach: Reachability }> {
  const reports = store.collection('reports');
  const before = await reports.findOne({ _id: id });
  if (!before) throw new NotFound('no such report');
  const wantsSend = !!change.notify || !!change.reply;
  const reach = await reachability(store, before);
  if (wantsSend && reach !== 'reachable') {
    const why: Record<Exclude<Reachability, 'reachable'>, string> = {
      anonymous: 'an anonymous report cannot be answered: nothing links it to a phone',
      opted_out: 'the reporter has opted out (STOP) of messages',
      unknown_contact: 'the reporter is no longer known (forgotten on request)',
      no_address: 'the reporter has no address to send to',
    };
    const message = why[reach as Exclude<Reachability, 'reachable'>];
    throw new BadRequest(message, [{ field: change.reply ? 'reply' : 'notify', message, reach }]);
  }
  const reply = change.reply ? replyText(before, change.reply, s.smsFoldGsm) : undefined;

  const $set: Record<string, unknown> = { updatedAt: now };
  const $unset: Record<string, ''> = {};
  if (change.state && change.state !== before.state) {
    $set.state = change.state;
    if (change.state !== 'new') {
      $set.pinned = false;
      if (!before.seenAt) $set.seenAt = now;
    }
  }
  if (change.assignee !== undefined) {
    if (change.assignee) $set.assignee = change.assignee;
    else $unset.assignee = '';
  }
  const update: Record<string, unknown> = { $set };
  if (Object.keys($unset).length) update.$unset = $unset;
  if (change.note) update.$push = { notes: { at: now, by: actor, text: change.note } };
  const report = (await reports.findOneAndUpdate({ _id: id }, update))!;

  let sent = 0;
  if (wantsSend) {
    const contact = (await findContact(store, report.contactId!))!;
    const address =
      contact.addresses.find((a) => a.channel === report.channel) ??
      pickAddress(contact) ??
      contact.addresses[0];
    const lang = (report.language as Language | undefined) ?? contactLanguage(contact, s.defaultLanguage);
    const texts: { key: string; text: string }[] = [];
    if (change.notify)
      texts.push({
        key: `state:${report.state}`,
        text: s.translator.t(lang, `status.${report.state}`, { ref: report.reference }),
      });
    if (reply)
      texts.push({
        key: `reply:${createHash('sha256').update(reply).digest('hex').slice(0, 16)}`,
        text: reply,
      });
    sent = await enqueue(
      store,
      texts.flatMap((t, i) =>
        compose(
          { text: t.text },
          {
            ...addressedTo(address, contact._id),
            // the same update twice (a double click) is queued once
            dedupeKey: `triage:${report._id}:${t.key}`,
            priority: PRIORITY.reply,
            now: new Date(now.getTime() + i),
          },
          s.smsFoldGsm,
        ),
      ),
    );
  }
  return { report, sent, reach };
}
