import { randomUUID } from 'node:crypto';
import { Request } from 'express';
import { z } from 'zod';
import { listBroadcasts } from '../../../campaigns/broadcasts';
import { BadRequest } from '../../../domain/errors';
import { LANGUAGES, LANGUAGE_NAMES } from '../../../domain/language';
import { ROLES } from '../../../models';
import { broadcastView, createBroadcast, idempotencyKey, previewFromBody } from '../../broadcasts';
import { parseBody } from '../../validation';
import { Html, html } from '../html';
import { Mount, PageResult, action, page, sendPage, staffOf } from '../page';
import { PageContext, can, csrfField, num, select, table, when } from '../views';

const PER_PAGE = 20;

/** The compose form as the API's broadcast body. */
function broadcastFromForm(b: Record<string, unknown>) {
  const text: Record<string, string> = {};
  for (const l of LANGUAGES) {
    const v = b[`text.${l}`];
    if (typeof v === 'string' && v.trim()) text[l] = v;
  }
  const list = (v: unknown) =>
    typeof v === 'string' && v.trim()
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  // a datetime-local field, read as UTC (the form says so)
  const sendAt = typeof b.sendAt === 'string' && b.sendAt ? `${b.sendAt}Z` : undefined;
  return {
    text,
    audience: {
      countries: list(b.countries),
      regions: list(b.regions),
      roles: list(b.roles),
      channels: list(b.channels),
    },
    priority: b.priority === 'alert' ? 'alert' : 'bulk',
    untranslated: b.untranslated === 'fallback' ? 'fallback' : 'skip',
    allowEmpty: b.allowEmpty === '1',
    sendAt,
  };
}

/** The compose form, filled with what was typed (after a refusal) and the reason shown above it. */
function composeForm(ctx: PageContext, typed: Record<string, string> = {}, error?: string): Html {
  const { t } = ctx;
  return html`<form class="card compose" id="compose" method="post" action="/dashboard/broadcasts">
    ${csrfField(ctx)}
    <input type="hidden" name="formId" value="${typed.formId ?? randomUUID()}" />
    <h2>${t('broadcasts.compose')}</h2>
    ${error ? html`<p class="error" id="compose-error" role="alert">${error}</p>` : ''}
    <p class="hint">${t('broadcasts.composeHint')}</p>
    <div class="langs">
      ${LANGUAGES.map(
        (l) =>
          html`<label for="text-${l}">${LANGUAGE_NAMES[l]}</label>
            <textarea id="text-${l}" name="text.${l}" rows="3" maxlength="1600" data-lang="${l}">
${typed[`text.${l}`] ?? ''}</textarea>`,
      )}
    </div>
    <fieldset>
      <legend>${t('broadcasts.audience')}</legend>
      <label
        >${t('broadcasts.countries')}
        <input
          name="countries"
          value="${typed.countries ?? ''}"
          placeholder="${t('broadcasts.countriesHint')}"
          maxlength="200"
      /></label>
      <label
        >${t('broadcasts.regions')}
        <input
          name="regions"
          value="${typed.regions ?? ''}"
          placeholder="${t('broadcasts.commaHint')}"
          maxlength="600"
      /></label>
      <label
        >${t('broadcasts.roles')}
        ${select(
          'roles',
          ROLES.map((x) => ({ value: x, label: t(`contactRoles.${x}`) })),
          typed.roles,
          t('filters.all'),
        )}</label
      >
      <label
        >${t('broadcasts.channels')}
        ${select(
          'channels',
          [
            { value: 'sms', label: 'SMS' },
            { value: 'telegram', label: 'Telegram' },
          ],
          typed.channels,
          t('filters.all'),
        )}</label
      >
      <label
        >${t('broadcasts.untranslated')}
        ${select(
          'untranslated',
          [
            { value: 'skip', label: t('broadcasts.untranslatedSkip') },
            { value: 'fallback', label: t('broadcasts.untranslatedFallback') },
          ],
          typed.untranslated ?? 'skip',
        )}</label
      >
    </fieldset>
    <label
      >${t('broadcasts.priority')}
      ${select(
        'priority',
        [
          { value: 'bulk', label: t('broadcasts.bulk') },
          { value: 'alert', label: t('broadcasts.alert') },
        ],
        typed.priority ?? 'bulk',
      )}</label
    >
    <label
      >${t('broadcasts.sendAt')} <input type="datetime-local" name="sendAt" value="${typed.sendAt ?? ''}" />
      <span class="hint">${t('broadcasts.sendAtHint')}</span></label
    >
    <label class="check"
      ><input type="checkbox" name="allowEmpty" value="1" ${typed.allowEmpty === '1' ? html` checked` : ''} />
      ${t('broadcasts.allowEmpty')}</label
    >
    <section
      id="preview"
      aria-live="polite"
      data-empty="${t('broadcasts.previewEmpty')}"
      data-error="${t('broadcasts.previewError')}"
      data-l-recipients="${t('broadcasts.recipients')}"
      data-l-language="${t('broadcasts.language')}"
      data-l-segments="${t('broadcasts.segments')}"
      data-l-encoding="${t('broadcasts.encoding')}"
      data-l-characters="${t('broadcasts.characters')}"
      data-l-cost="${t('broadcasts.cost')}"
      data-l-excluded="${t('broadcasts.excluded')}"
      data-l-smsmessages="${t('broadcasts.smsSegments')}"
      data-l-telegram="${t('broadcasts.telegramMessages')}"
      data-l-plan="${t('broadcasts.plan')}"
      data-l-people="${t('broadcasts.people')}"
      data-l-gets="${t('broadcasts.gets')}"
      data-l-own="${t('broadcasts.own')}"
      data-l-fallback="${t('broadcasts.fallbackTo', { lang: '{lang}' })}"
      data-l-notsent="${t('broadcasts.notSent')}"
    >
      <p class="muted">${t('broadcasts.previewEmpty')}</p>
    </section>
    <button type="submit">${t('broadcasts.send')}</button>
  </form>`;
}

/** A broadcast's progress: done out of the people it reaches (expected ones while scheduled). */
export function progress(ctx: PageContext, v: Awaited<ReturnType<typeof broadcastView>>): Html {
  const c = v.counts;
  const done = c.sent + c.delivered + c.failed + c.cancelled;
  return html`<progress max="${v.recipients || 1}" value="${done}"></progress>
    <span class="progress-count">${num(ctx, done)}/${num(ctx, v.recipients)}</span>`;
}

/** Broadcasts (polls and surveys included, as what carries them): compose with a live preview, the list. */
export const mountBroadcasts: Mount = (r, deps) => {
  const { store } = deps;
  const listPage = async (req: Request, ctx: PageContext, typed?: Record<string, string>, error?: string) => {
    const { t } = ctx;
    const q = parseBody(
      z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) }).loose(),
      req.query,
    );
    const list = await listBroadcasts(store, { limit: PER_PAGE + 1, offset: (q.page - 1) * PER_PAGE });
    const rows: (Html | string)[][] = [];
    for (const b of list.slice(0, PER_PAGE)) {
      const v = await broadcastView(store, b);
      const text = b.text[ctx.lang] ?? b.text.en ?? Object.values(b.text)[0];
      rows.push([
        html`<a href="/dashboard/broadcasts/${b._id}"
          >${text.length > 80 ? `${text.slice(0, 79)}…` : text}</a
        >`,
        t(`broadcasts.kinds.${v.kind}`),
        html`<span class="state ${v.state}">${t(`broadcastStates.${v.state}`)}</span>`,
        when(ctx, b.sendAt),
        progress(ctx, v),
        t('broadcasts.counts', {
          delivered: num(ctx, v.counts.delivered),
          sent: num(ctx, v.counts.sent),
          failed: num(ctx, v.counts.failed),
        }),
      ]);
    }
    return {
      status: error ? 400 : 200,
      title: t('broadcasts.title'),
      body: html`${can(ctx, 'staff') ? composeForm(ctx, typed, error) : html`<p class="note">${t('broadcasts.viewerOnly')}</p>`}
        <section>
          <h2>${t('broadcasts.recent')}</h2>
          ${
            rows.length
              ? table(
                  [
                    t('broadcasts.text'),
                    t('broadcasts.kind'),
                    t('broadcasts.state'),
                    t('broadcasts.sendAt'),
                    t('broadcasts.progress'),
                    t('broadcasts.delivery'),
                  ],
                  rows,
                  'broadcasts',
                )
              : html`<p class="muted">${t('broadcasts.none')}</p>`
          }
          <nav class="pages">
            ${q.page > 1 ? html`<a href="/dashboard/broadcasts?page=${q.page - 1}">← ${t('broadcasts.newer')}</a>` : ''}
            ${list.length > PER_PAGE ? html`<a href="/dashboard/broadcasts?page=${q.page + 1}">${t('broadcasts.older')} →</a>` : ''}
          </nav>
        </section>`,
    } satisfies PageResult;
  };

  r.get(
    '/broadcasts',
    page((req, ctx) => listPage(req, ctx)),
  );

  r.post(
    '/broadcasts/preview',
    action(async (req, res) => {
      res.json(
        await previewFromBody(store, deps.fanout, broadcastFromForm(req.body as Record<string, unknown>)),
      );
    }),
  );

  r.post(
    '/broadcasts',
    action(async (req, res, ctx) => {
      const form = req.body as Record<string, string>;
      const staff = staffOf(ctx.dash!);
      try {
        // the form's one-time id: a double submit creates one broadcast
        const key = idempotencyKey(staff, form.formId);
        const b = await createBroadcast(store, deps.fanout, staff, broadcastFromForm(form), deps.kick, key);
        res.redirect(303, `/dashboard/broadcasts/${b.id}?ok=broadcast`);
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err;
        sendPage(req, res, ctx, await listPage(req, ctx, form, err.message));
      }
    }),
  );
};
