import { Request } from 'express';
import { z } from 'zod';
import { listBroadcasts } from '../../../campaigns/broadcasts';
import { BadRequest } from '../../../domain/errors';
import { broadcastView } from '../../../campaigns/broadcasts';
import { createBroadcast, idempotencyKey, previewFromBody } from '../../broadcasts';
import { parseBody } from '../../validation';
import { Html, html } from '../html';
import { Mount, PageResult, action, page, sendPage, staffOf } from '../page';
import { broadcastFromForm, composeForm } from './composeForm';
import { PageContext, can, num, table, when } from '../views';

const PER_PAGE = 20;

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
