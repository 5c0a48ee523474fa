import { cancelBroadcast, findBroadcast } from '../../../campaigns/broadcasts';
import { NotFound } from '../../../domain/errors';
import { LANGUAGE_NAMES, Language } from '../../../domain/language';
import { deliveryStats } from '../../../stats/reports';
import { audit } from '../../audit';
import { broadcastView } from '../../../campaigns/broadcasts';
import { html } from '../html';
import { Mount, action, page, staffOf } from '../page';
import { can, csrfField, num, table, when } from '../views';
import { progress } from './broadcasts';

/** One broadcast (or the one carrying a poll or survey): texts, audience, progress, delivery, cancel. */
export const mountBroadcast: Mount = (r, deps) => {
  const { store } = deps;
  r.get(
    '/broadcasts/:id',
    page(async (req, ctx) => {
      const { t } = ctx;
      const b = await findBroadcast(store, String(req.params.id));
      if (!b) throw new NotFound(t('errors.notFound'));
      const v = await broadcastView(store, b);
      const byChannel = await deliveryStats(store, { broadcastId: b._id });
      const e = { optedOut: 0, noChannel: 0, untranslated: 0, ...v.excluded };
      const audience = Object.entries(v.audience)
        .filter(([, list]) => Array.isArray(list) && list.length)
        .map(([k, list]) => `${k}: ${(list as string[]).join(', ')}`)
        .join(' · ');
      const open = v.state === 'scheduled' || v.state === 'sending';
      return {
        title: `${t('broadcasts.detail')} · ${t(`broadcasts.kinds.${v.kind}`)}`,
        body: html`<section class="card">
            <p>
              <span class="state ${v.state}" id="broadcast-state">${t(`broadcastStates.${v.state}`)}</span> ·
              ${when(ctx, b.sendAt)}
            </p>
            <p id="broadcast-recipients">
              ${
                v.fannedOut
                  ? t('broadcasts.reached', { count: v.recipients })
                  : t('broadcasts.expected', { count: v.recipients })
              }
              <span class="muted">(${t('broadcasts.excludedDetail', e)})</span>
            </p>
            ${progress(ctx, v)}
            <p class="muted">
              ${t('broadcasts.createdBy', { name: b.createdBy, when: when(ctx, b.createdAt) })}
            </p>
            <p class="muted">${t('broadcasts.audience')}: ${audience || t('filters.all')}</p>
            <p class="muted">
              ${t('broadcasts.untranslated')}:
              ${v.untranslated === 'skip' ? t('broadcasts.untranslatedSkip') : t('broadcasts.untranslatedFallback')}
            </p>
          </section>
          <section>
            <h2>${t('broadcasts.texts')}</h2>
            ${table(
              [t('broadcasts.language'), t('broadcasts.text')],
              Object.entries(b.text).map(([l, text]) => [LANGUAGE_NAMES[l as Language] ?? l, text]),
              'texts',
            )}
          </section>
          <section>
            <h2>${t('broadcasts.byChannel')}</h2>
            ${
              byChannel.length
                ? table(
                    [t('overview.channel'), t('broadcasts.state'), t('broadcasts.recipients')],
                    byChannel.map((d) => [
                      `${t(`channels.${d.channel}`)} · ${t(`transports.${d.transport}`)}`,
                      t(`delivery.${d.status}`),
                      num(ctx, d.messages),
                    ]),
                    'numbers',
                  )
                : html`<p class="muted">${t('overview.noMessages')}</p>`
            }
          </section>
          ${
            open && can(ctx, 'staff')
              ? html`<form class="card" method="post" action="/dashboard/broadcasts/${b._id}/cancel">
                  ${csrfField(ctx)}
                  <p class="hint">${t('broadcasts.cancelHint')}</p>
                  <button type="submit" id="cancel" class="danger">${t('broadcasts.cancel')}</button>
                </form>`
              : ''
          }`,
      };
    }),
  );

  r.post(
    '/broadcasts/:id/cancel',
    action(async (req, res, ctx) => {
      const id = String(req.params.id);
      const result = await cancelBroadcast(store, id);
      if (result) await audit(store, staffOf(ctx.dash!), 'broadcast.cancel', id, result);
      res.redirect(303, `/dashboard/broadcasts/${encodeURIComponent(id)}${result ? '?ok=cancelled' : ''}`);
    }),
  );
};
