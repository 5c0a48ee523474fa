import { listSeries, seriesProgress } from '../../../knowledge/series';
import { ENROLMENT_STATES } from '../../../models';
import { pickText } from '../../../i18n/texts';
import { Html, html } from '../html';
import { Mount, page } from '../page';
import { num, table } from '../views';

/** Learning series: who follows each, how far they got, and how many answered each question right. */
export const mountSeries: Mount = (r, deps) => {
  const { store } = deps;
  r.get(
    '/series',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const sections: Html[] = [];
      for (const s of await listSeries(store)) {
        const p = await seriesProgress(store, s._id);
        sections.push(
          html`<section class="card series" data-key="${s.key}">
            <h2>${pickText(s.title, ctx.lang, 'en')} <span class="muted">LEARN ${s.key}</span></h2>
            <p class="muted">
              ${t('series.meta', { lessons: num(ctx, s.lessons.length), days: num(ctx, s.everyDays), enrolled: num(ctx, p.enrolled) })}
            </p>
            ${table(
              ENROLMENT_STATES.map((x) => t(`series.states.${x}`)),
              [ENROLMENT_STATES.map((x) => num(ctx, p.byState[x] ?? 0))],
              'numbers states',
            )}
            ${table(
              [t('series.lesson'), t('series.reached'), t('series.answered'), t('series.right')],
              p.lessons.map((l) => [
                num(ctx, l.n),
                num(ctx, l.reached),
                l.answered === undefined ? '' : num(ctx, l.answered),
                l.answered ? `${num(ctx, l.right)} (${num(ctx, (100 * (l.right ?? 0)) / l.answered)}%)` : '',
              ]),
              'numbers lessons',
            )}
            ${
              Object.keys(p.byRegion).length > 1 || Object.keys(p.byRole).length > 1
                ? table(
                    [t('series.byRegion'), ''],
                    [
                      ...Object.entries(p.byRegion).map(([k, v]) => [k === 'unknown' ? '—' : k, num(ctx, v)]),
                      ...Object.entries(p.byRole).map(([k, v]) => [k === 'unknown' ? '—' : k, num(ctx, v)]),
                    ],
                    'numbers',
                  )
                : ''
            }
          </section>`,
        );
      }
      return {
        title: t('series.title'),
        body: html`<p class="hint">${t('series.hint')}</p>
          ${sections.length ? sections : html`<p class="muted">${t('series.none')}</p>`}`,
      };
    }),
  );
};
