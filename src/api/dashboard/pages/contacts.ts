import { LANGUAGE_NAMES } from '../../../domain/language';
import { contactCounts } from '../../../stats/reports';
import { barChart } from '../charts';
import { html } from '../html';
import { can, num, table, when } from '../views';
import { Mount, page } from '../page';
import { latestContacts } from '../../../contacts/contacts';

/** Contacts: counts by region, role, language and channel; numbers for admins only. */
export const mountContacts: Mount = (r, deps) => {
  const { store } = deps;
  r.get(
    '/contacts',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const c = await contactCounts(store);
      const group = (
        key: 'region' | 'role' | 'language' | 'channel' | 'registration',
        label: (v: string) => string,
      ) =>
        html`<section class="card">
          <h2>${t(`contacts.by.${key}`)}</h2>
          ${barChart(
            c[key].map((x) => ({ label: x.value ? label(x.value) : t('contacts.unknown'), value: x.count })),
            t(`contacts.by.${key}`),
          )}
        </section>`;
      let numbers = html``;
      if (can(ctx, 'admin')) {
        const latest = await latestContacts(store, 50);
        numbers = html`<section>
          <h2>${t('contacts.latest')}</h2>
          <p class="hint">${t('contacts.adminOnly')}</p>
          ${table(
            [t('contacts.address'), t('filters.region'), t('contacts.role'), t('contacts.lastSeen')],
            latest.map((x) => [
              x.addresses.map((a) => `${a.channel}: ${a.value}`).join(', '),
              x.region ?? '',
              x.role ? t(`contactRoles.${x.role}`) : '',
              when(ctx, x.lastSeenAt),
            ]),
          )}
        </section>`;
      }
      return {
        title: t('contacts.title'),
        body: html`<p class="tiles">
            <span class="tile"><strong>${num(ctx, c.total)}</strong><span>${t('contacts.total')}</span></span
            ><span class="tile"
              ><strong>${num(ctx, c.optedOut)}</strong><span>${t('contacts.optedOut')}</span></span
            >
          </p>
          <div class="columns">
            ${group('region', (v) => v)} ${group('role', (v) => t(`contactRoles.${v}`))}
            ${group('language', (v) => (LANGUAGE_NAMES as Record<string, string>)[v] ?? v)}
            ${group('channel', (v) => t(`channels.${v}`))}
            ${group('registration', (v) => t(`registration.${v}`))}
          </div>
          ${numbers}`,
      };
    }),
  );
};
