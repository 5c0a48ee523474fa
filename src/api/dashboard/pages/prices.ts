import { z } from 'zod';
import { MINERALS, UNITS } from '../../../domain/minerals';
import { priceStats } from '../../stats';
import { parseBody } from '../../validation';
import { bandChart } from '../charts';
import { Html, html } from '../html';
import { day, num, select, table } from '../views';
import { Mount, page } from '../page';
import { rollupChoices } from '../../../stats/rollups';

const DAY = 86_400_000;

/** Prices: median and band per mineral and week, in the region's currency. */
export const mountPrices: Mount = (r, deps) => {
  const { store } = deps;
  r.get(
    '/prices',
    page(async (req, ctx) => {
      const { t } = ctx;
      const q = parseBody(
        z.object({
          mineral: z.enum(MINERALS).optional().or(z.literal('')),
          region: z.string().trim().max(60).optional(),
          currency: z.string().trim().max(3).optional(),
          unit: z.enum(UNITS).optional().or(z.literal('')),
          weeks: z.coerce.number().int().min(4).max(520).default(26),
        }),
        req.query,
      );
      const { minerals: withData, regions } = await rollupChoices(store);
      const minerals = q.mineral ? [q.mineral] : MINERALS.filter((m) => withData.includes(m));
      const from = new Date(Date.now() - q.weeks * 7 * DAY);
      const charts: Html[] = [];
      for (const mineral of minerals) {
        const stats = await priceStats(store, {
          mineral,
          region: q.region || undefined,
          currency: q.currency || undefined,
          unit: q.unit || undefined,
          from: from.toISOString(),
        });
        const { currency, unit } = stats.query;
        const name = t(`minerals.${mineral}`);
        const title = t('prices.chartTitle', { mineral: name, currency, unit });
        charts.push(
          html`<section class="mineral" data-mineral="${mineral}">
            <h2>${title}</h2>
            ${
              stats.buckets.length
                ? html`${bandChart(
                      stats.buckets.map((b) => ({
                        label: day(ctx, b.start),
                        median: b.median,
                        p25: b.p25,
                        p75: b.p75,
                        count: b.count,
                      })),
                      {
                        title: `${title}: ${t('prices.legend')}`,
                        lang: ctx.lang,
                        countLabel: t('prices.reports'),
                      },
                    )}
                    <p class="legend">${t('prices.legend')}</p>
                    ${table(
                      [
                        t('prices.week'),
                        t('prices.reports'),
                        t('prices.median'),
                        t('prices.p25'),
                        t('prices.p75'),
                        t('prices.min'),
                        t('prices.max'),
                        t('prices.excluded'),
                      ],
                      stats.buckets.map((b) => [
                        day(ctx, b.start),
                        num(ctx, b.count),
                        num(ctx, b.median, 2),
                        num(ctx, b.p25, 2),
                        num(ctx, b.p75, 2),
                        num(ctx, b.min, 2),
                        num(ctx, b.max, 2),
                        num(ctx, b.excluded),
                      ]),
                      'numbers',
                    )}`
                : html`<p class="muted">${t('prices.none')}</p>`
            }
            ${
              stats.keptApart.length
                ? html`<p class="note">
                    ${t('prices.keptApart', {
                      list: stats.keptApart.map((k) => `${k.count} × ${k.currency}/${k.unit}`).join(', '),
                    })}
                  </p>`
                : ''
            }
          </section>`,
        );
      }
      return {
        title: t('prices.title'),
        body: html`<form class="filters" method="get" action="/dashboard/prices">
            <label
              >${t('prices.mineral')}
              ${select(
                'mineral',
                MINERALS.map((m) => ({ value: m, label: t(`minerals.${m}`) })),
                q.mineral || undefined,
                t('filters.any'),
              )}</label
            >
            <label
              >${t('filters.region')}
              ${select(
                'region',
                regions.map((x) => ({ value: x, label: x })),
                q.region,
                t('filters.all'),
              )}</label
            >
            <label
              >${t('prices.currency')}
              <input
                name="currency"
                id="f-currency"
                value="${q.currency ?? ''}"
                maxlength="3"
                size="4"
                placeholder="CDF"
            /></label>
            <label
              >${t('prices.unit')}
              ${select(
                'unit',
                UNITS.map((u) => ({ value: u, label: u })),
                q.unit || undefined,
                t('filters.auto'),
              )}</label
            >
            <label
              >${t('prices.weeks')} <input name="weeks" type="number" min="4" max="520" value="${q.weeks}"
            /></label>
            <button type="submit">${t('filters.apply')}</button>
          </form>
          <p class="hint">${t('prices.method')}</p>
          ${charts.length ? charts : html`<p class="muted">${t('prices.none')}</p>`}`,
      };
    }),
  );
};
