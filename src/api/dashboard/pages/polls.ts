import { pollResults, listPolls } from '../../../campaigns/polls';
import { barChart } from '../charts';
import { Html, html } from '../html';
import { num, table, when } from '../views';
import { Mount, page } from '../page';

/** Polls: results per option and region. */
export const mountPolls: Mount = (r, deps) => {
  const { store } = deps;
  r.get(
    '/polls',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const polls = await listPolls(store, { limit: 20, offset: 0 });
      const sections: Html[] = [];
      for (const p of polls) {
        const res = await pollResults(store, p, ctx.lang);
        const question = p.question[ctx.lang] ?? p.question.en ?? Object.values(p.question)[0];
        sections.push(
          html`<section class="card poll">
            <h2>${question}</h2>
            <p class="muted">
              ${t('polls.meta', { answers: num(ctx, res.answers), recipients: num(ctx, res.recipients), rate: num(ctx, res.responseRate * 100) })}
              ·
              ${res.open ? t('polls.open', { date: when(ctx, p.closesAt) }) : t('polls.closed', { date: when(ctx, p.closesAt) })}
            </p>
            ${barChart(
              res.options.map((o) => ({
                label: o.label,
                value: o.count,
                note: `${num(ctx, o.share * 100)}%`,
              })),
              question,
            )}
            ${
              Object.keys(res.byRegion).length > 1
                ? table(
                    [t('filters.region'), t('polls.answers'), ...res.options.map((o) => o.label)],
                    Object.entries(res.byRegion).map(([region, g]) => [
                      region,
                      num(ctx, g.answers),
                      ...g.options.map((o) => num(ctx, o.count)),
                    ]),
                    'numbers',
                  )
                : ''
            }
          </section>`,
        );
      }
      return {
        title: t('polls.title'),
        body: sections.length ? html`${sections}` : html`<p class="muted">${t('polls.none')}</p>`,
      };
    }),
  );
};
