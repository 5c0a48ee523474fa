import { bucketStart } from '../../../stats/rollups';
import {
  Costs,
  deliveryStats,
  reportsByKind,
  outboxBacklog,
  ussdStats,
  voiceStats,
} from '../../../stats/reports';
import { html } from '../html';
import { costs, day, num, table, when } from '../views';
import { Mount, page } from '../page';
import { pinnedReports } from '../../../reports/store';
import { openOpsAlerts } from '../../../outbox/alerts';
import { publicHits } from '../../../stats/open';

const DAY = 86_400_000;
const USSD_STATUSES = ['Success', 'Incomplete', 'Failed', 'open'] as const;

/** The overview: this week's reports, urgent incidents on top, delivery at a glance. */
/** Who started a call: the caller, a call back after a missed call, an alert. */
const VOICE_DIRECTIONS = ['inbound', 'callback', 'alert'] as const;

export const mountOverview: Mount = (r, deps) => {
  const { store } = deps;
  r.get(
    '/',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const now = new Date();
      const week = bucketStart(now, 'week');
      const since = new Date(now.getTime() - DAY);
      const [alerts, kinds, pinned, deliveries, { queued, dead }, ussd, hits, voice] = await Promise.all([
        openOpsAlerts(store),
        reportsByKind(store, week),
        pinnedReports(store, 20),
        deliveryStats(store, { from: since }),
        outboxBacklog(store, since),
        ussdStats(store, { from: since }),
        publicHits(store, now),
        voiceStats(store, { from: since }),
      ]);
      const statuses = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'dead'];
      // one line per channel and the transport that carries it (SMS via Twilio, via the simulator, …)
      const lines = [...new Set(deliveries.map((d) => `${d.channel}|${d.transport}`))];
      const cell = (line: string, st: string) =>
        deliveries.find((d) => `${d.channel}|${d.transport}` === line && d.status === st)?.messages ?? 0;
      const costOf = (line: string) => {
        const sum: Costs = {};
        for (const d of deliveries.filter((x) => `${x.channel}|${x.transport}` === line))
          for (const [cur, amount] of Object.entries(d.cost)) sum[cur] = (sum[cur] ?? 0) + amount;
        return costs(ctx, sum);
      };
      return {
        title: t('overview.title'),
        body: html`${
            alerts.length
              ? html`<section class="alerts" role="alert">
                  <h2>${t('overview.attention')}</h2>
                  <ul>
                    ${alerts.map(
                      (a) =>
                        html`<li data-alert="${a._id}">
                          <strong>${t(`transports.${a.transport}`)}</strong>: ${a.text}
                          (${t('overview.attentionSince', { since: when(ctx, a.firstAt), count: num(ctx, a.count) })})
                        </li>`,
                    )}
                  </ul>
                </section>`
              : ''
          }
          <section class="tiles" aria-label="${t('overview.thisWeek', { date: day(ctx, week) })}">
            <h2>${t('overview.thisWeek', { date: day(ctx, week) })}</h2>
            ${(['price', 'issue', 'incident'] as const).map(
              (k) =>
                html`<a
                  class="tile"
                  href="/dashboard/reports?kind=${k}&from=${week.toISOString().slice(0, 10)}"
                  ><strong data-kind="${k}">${num(ctx, kinds[k])}</strong><span>${t(`kinds.${k}`)}</span></a
                >`,
            )}
          </section>
          <section>
            <h2>${t('overview.urgent')}</h2>
            ${
              pinned.length
                ? table(
                    [
                      t('reports.reference'),
                      t('reports.what'),
                      t('reports.injured'),
                      t('reports.dead'),
                      t('reports.where'),
                      t('reports.when'),
                    ],
                    pinned.map((p) => [
                      html`<a href="/dashboard/reports/${p._id}">${p.reference}</a>`,
                      t(`incidents.${p.incidentType ?? 'other'}`),
                      num(ctx, p.injured),
                      num(ctx, p.dead),
                      [p.place, p.region].filter(Boolean).join(', '),
                      when(ctx, p.createdAt),
                    ]),
                    'urgent',
                  )
                : html`<p class="muted">${t('overview.noUrgent')}</p>`
            }
          </section>
          <section>
            <h2>${t('overview.delivery')}</h2>
            <p>${t('overview.queue', { queued: num(ctx, queued), dead: num(ctx, dead) })}</p>
            <p data-public-hits>
              ${t('overview.public', { views: num(ctx, hits.views), downloads: num(ctx, hits.downloads) })}
            </p>
            ${
              lines.length
                ? table(
                    [t('overview.channel'), ...statuses.map((s) => t(`delivery.${s}`)), t('overview.cost')],
                    lines.map((line) => [
                      `${t(`channels.${line.split('|')[0]}`)} · ${t(`transports.${line.split('|')[1]}`)}`,
                      ...statuses.map((s) => num(ctx, cell(line, s))),
                      costOf(line),
                    ]),
                  )
                : html`<p class="muted">${t('overview.noMessages')}</p>`
            }
          </section>
          <section>
            <h2>${t('overview.ussd')}</h2>
            ${
              ussd.sessions
                ? table(
                    [
                      t('overview.ussdSessions'),
                      ...USSD_STATUSES.map((s) => t(`overview.ussdStatus.${s}`)),
                      t('overview.ussdReports'),
                      t('overview.cost'),
                    ],
                    [
                      [
                        num(ctx, ussd.sessions),
                        ...USSD_STATUSES.map((s) => num(ctx, ussd.byStatus[s] ?? 0)),
                        num(ctx, ussd.reports),
                        costs(ctx, ussd.cost),
                      ],
                    ],
                    'ussd',
                  )
                : html`<p class="muted">${t('overview.noUssd')}</p>`
            }
          </section>
          <section>
            <h2>${t('overview.voice')}</h2>
            ${
              voice.calls
                ? table(
                    [
                      t('overview.voiceCalls'),
                      ...VOICE_DIRECTIONS.map((d) => t(`overview.voiceDirection.${d}`)),
                      t('overview.voiceAnswered'),
                      t('overview.ussdReports'),
                      t('overview.voiceMinutes'),
                    ],
                    [
                      [
                        num(ctx, voice.calls),
                        ...VOICE_DIRECTIONS.map((d) => num(ctx, voice.byDirection[d] ?? 0)),
                        num(ctx, (voice.byStatus.completed ?? 0) + (voice.byStatus.open ?? 0)),
                        num(ctx, voice.reports),
                        num(ctx, voice.minutes),
                      ],
                    ],
                    'voice',
                  )
                : html`<p class="muted">${t('overview.noVoice')}</p>`
            }
          </section>`,
      };
    }),
  );
};
