import { Request, Response } from 'express';
import { BadRequest, NotFound } from '../../../domain/errors';
import { GSM_FOLDS } from '../../../domain/sms';
import { REPORT_STATES } from '../../../models';
import { reachability } from '../../../reports/triage';
import { applyTriage } from '../../reports';
import { html } from '../html';
import {
  DashboardDeps,
  ForbiddenPage,
  Mount,
  PageResult,
  Unauthenticated,
  action,
  page,
  sendPage,
  staffOf,
} from '../page';
import { PageContext, can, csrfField, describeReport, select, when } from '../views';
import { reportById } from '../../../reports/store';
import { findContact } from '../../../contacts/contacts';

/** What staff typed in the triage form, and what was wrong with it: shown again, nothing lost. */
interface TriageForm {
  typed: Record<string, string>;
  errors: Record<string, string>;
}

/** The fields of a refused triage, by form field; what names no field goes above the form. */
function formErrors(err: BadRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(err.details) ? (err.details as { field?: string; message: string }[]) : [];
  for (const d of list) out[d.field && d.field !== 'body' ? d.field : 'form'] ??= d.message;
  if (!list.length) out.form = err.message;
  return out;
}

/** Types the browser shows inline: pictures, sound and video that cannot carry script (no SVG). */
const SHOWN = /^(image\/(jpeg|png|gif|webp)|audio\/(ogg|mpeg|mp4|amr|aac)|video\/(mp4|3gpp))$/;

/** A photo sent with a report, read from the provider with the account's credentials; staff only, never cached. */
async function sendMedia(deps: DashboardDeps, req: Request, res: Response): Promise<void> {
  if (!req.dash) throw new Unauthenticated();
  // a photo can show a face or a place: staff who triage see it, observers do not
  if (req.dash.role === 'viewer' || req.dash.role === 'expert') throw new ForbiddenPage('staff only');
  const x = await reportById(deps.store, String(req.params.id));
  const ref = x?.media?.[Number(req.params.n)];
  if (!ref || !deps.media) throw new NotFound('no such photo');
  const file = await deps.media(ref);
  res
    .status(200)
    .set({
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-disposition': SHOWN.test(file.contentType) ? 'inline' : 'attachment',
      // a file from a stranger: nothing in it may run on the dashboard's origin
      'content-security-policy': "sandbox; default-src 'none'",
    })
    .type(SHOWN.test(file.contentType) ? file.contentType : 'application/octet-stream')
    .send(file.body);
}

/** A spoken description left by phone, read from the provider with the account's credentials; staff only, never cached. */
async function sendRecording(deps: DashboardDeps, req: Request, res: Response): Promise<void> {
  if (!req.dash) throw new Unauthenticated();
  // a voice identifies a person as a face does: staff who triage hear it, observers do not
  if (req.dash.role === 'viewer' || req.dash.role === 'expert') throw new ForbiddenPage('staff only');
  const x = await reportById(deps.store, String(req.params.id));
  if (!x?.recording || !deps.recording) throw new NotFound('no such recording');
  const file = await deps.recording(x.recording.sid);
  res
    .status(200)
    .set({ 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' })
    .type('audio/mpeg')
    .send(file.body);
}

/** A report's page: what it says, its notes, and the triage form (staff), the number for admins only. */
export const mountReport: Mount = (r, deps) => {
  const { store } = deps;

  const render = async (req: Request, ctx: PageContext, form?: TriageForm): Promise<PageResult> => {
    const { t } = ctx;
    const x = await reportById(store, String(req.params.id));
    if (!x) throw new NotFound(t('errors.noReport'));
    const reach = await reachability(store, x);
    const contact = can(ctx, 'admin') && x.contactId ? await findContact(store, x.contactId) : null;
    const field = (label: string, value: unknown) =>
      value === undefined || value === null || value === ''
        ? ''
        : html`<dt>${label}</dt>
            <dd>${String(value)}</dd>`;
    const canSend = reach === 'reachable';
    const typed = form?.typed ?? {};
    const errors = form?.errors ?? {};
    const error = (name: string) =>
      errors[name]
        ? html`<p class="error field-error" id="error-${name}" role="alert">${errors[name]}</p>`
        : '';
    const invalid = (name: string) =>
      errors[name] ? html` aria-invalid="true" aria-describedby="error-${name}"` : html``;
    const reporter = x.anonymous
      ? t('reports.anonymousReporter')
      : canSend
        ? t('reports.confidentialReporter')
        : t('reports.confidentialNoAnswer');
    return {
      status: form ? 400 : 200,
      title: `${t(`kindOne.${x.kind}`)} ${x.reference}`,
      body: html`<div class="columns">
        <section class="card">
          ${x.pinned ? html`<p class="badge urgent">${t('reports.urgentTop')}</p>` : ''}
          <dl class="facts">
            ${field(t('reports.what'), describeReport(ctx, x))}
            ${field(t('reports.state'), t(`states.${x.state}`))} ${field(t('reports.assignee'), x.assignee)}
            ${field(t('reports.when'), when(ctx, x.createdAt))} ${field(t('reports.occurred'), x.occurred)}
            ${field(t('reports.where'), [x.place, x.site, x.region, x.country].filter(Boolean).join(', '))}
            ${field(t('reports.placeOfSale'), x.placeOfSale)} ${field(t('reports.purity'), x.purity)}
            ${field(t('reports.channel'), t(`channels.${x.channel}`))}
            ${field(t('reports.reporter'), reporter)}
            ${contact ? field(t('reports.phone'), contact.addresses.map((a) => `${a.channel}: ${a.value}`).join(', ')) : ''}
          </dl>
          ${
            x.media?.length && can(ctx, 'staff')
              ? html`<h2>${t('reports.photos')}</h2>
                  <ul class="media">
                    ${x.media.map(
                      (m, i) =>
                        html`<li>
                          <a href="/dashboard/reports/${x._id}/media/${i}" rel="noopener"
                            >${t('reports.photo', { n: i + 1 })}</a
                          >
                          <span class="muted">${m.contentType}</span>
                        </li>`,
                    )}
                  </ul>`
              : ''
          }
          ${
            x.recording && can(ctx, 'staff')
              ? html`<h2>${t('reports.recording')}</h2>
                  <audio controls preload="none" src="/dashboard/reports/${x._id}/recording"></audio>
                  <p class="muted">${t('reports.recordingLength', { seconds: x.recording.durationSec })}</p>`
              : ''
          }
          <h2>${t('reports.notes')}</h2>
          ${
            x.notes.length
              ? html`<ol class="notes">
                  ${x.notes.map((n) => html`<li><span class="muted">${when(ctx, n.at)} · ${n.by}</span><br />${n.text}</li>`)}
                </ol>`
              : html`<p class="muted">${t('reports.noNotes')}</p>`
          }
        </section>
        ${
          can(ctx, 'staff')
            ? html`<form class="card triage" method="post" action="/dashboard/reports/${x._id}" novalidate>
                ${csrfField(ctx)}
                <h2>${t('triage.title')}</h2>
                ${error('form')}
                <label for="f-state">${t('reports.state')}</label>
                ${select(
                  'state',
                  REPORT_STATES.map((s) => ({ value: s, label: t(`states.${s}`) })),
                  typed.state ?? x.state,
                  undefined,
                  invalid('state'),
                )}
                ${error('state')}
                <label for="assignee">${t('reports.assignee')}</label>
                <input
                  id="assignee"
                  name="assignee"
                  value="${typed.assignee ?? x.assignee ?? ''}"
                  maxlength="80"
                  ${invalid('assignee')}
                />
                ${error('assignee')}
                <label for="note">${t('triage.note')}</label>
                <textarea id="note" name="note" rows="3" maxlength="1000" ${invalid('note')}>
${typed.note ?? ''}</textarea>
                ${error('note')}
                ${
                  canSend
                    ? html`<label class="check"
                          ><input
                            type="checkbox"
                            name="notify"
                            value="1"
                            id="notify"
                            ${typed.notify === '1' ? html` checked` : ''}
                            ${invalid('notify')}
                          />
                          ${t('triage.notify')}</label
                        >
                        ${error('notify')}
                        <label for="reply">${t('triage.reply')}</label>
                        <input
                          id="reply"
                          name="reply"
                          maxlength="300"
                          value="${typed.reply ?? ''}"
                          data-sms-prefix="${x.reference}: "
                          data-fold="${deps.triage.smsFoldGsm ? JSON.stringify(GSM_FOLDS) : ''}"
                          ${invalid('reply')}
                        />
                        ${error('reply')}
                        <p class="hint" id="reply-cost" aria-live="polite"></p>`
                    : html`<p class="note" id="cannot-answer">${t(`triage.cannot.${reach}`)}</p>`
                }
                <button type="submit">${t('triage.save')}</button>
              </form>`
            : ''
        }
      </div>`,
    };
  };

  r.get(
    '/reports/:id',
    page((req, ctx) => render(req, ctx)),
  );
  r.get('/reports/:id/media/:n', (req, res) => sendMedia(deps, req, res));
  r.get('/reports/:id/recording', (req, res) => sendRecording(deps, req, res));

  r.post(
    '/reports/:id',
    action(async (req, res, ctx) => {
      const b = req.body as Record<string, string>;
      const change: Record<string, unknown> = {};
      if (b.state) change.state = b.state;
      if (b.assignee !== undefined) change.assignee = b.assignee.trim() || null;
      if (b.note?.trim()) change.note = b.note;
      if (b.notify === '1') change.notify = true;
      if (b.reply?.trim()) change.reply = b.reply;
      try {
        const { sent } = await applyTriage(
          store,
          deps.triage,
          staffOf(ctx.dash!),
          String(req.params.id),
          change,
        );
        if (sent) deps.wakeOutbox();
        res.redirect(
          303,
          `/dashboard/reports/${encodeURIComponent(String(req.params.id))}?ok=${sent ? 'triagedSent' : 'triaged'}`,
        );
      } catch (err) {
        // refused: the same page again, everything typed kept, the reason beside its field
        if (!(err instanceof BadRequest)) throw err;
        sendPage(req, res, ctx, await render(req, ctx, { typed: b, errors: formErrors(err) }));
      }
    }),
  );
};
