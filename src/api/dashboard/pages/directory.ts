import { Request } from 'express';
import { BadRequest } from '../../../domain/errors';
import { LANGUAGES } from '../../../domain/language';
import { TOPICS } from '../../../domain/topics';
import { attendance, attendees, listEntries } from '../../../knowledge/directory';
import { ENTRY_KINDS } from '../../../models';
import { addEntry, removeEntry } from '../../directory';
import { Html, html } from '../html';
import { Mount, PageResult, action, page, sendPage, staffOf } from '../page';
import { PageContext, can, csrfField, num, select, table, when } from '../views';

/** A form's fields as the API's body: lists split on commas, empty fields left out. */
function bodyOfForm(f: Record<string, unknown>): Record<string, unknown> {
  const text = (k: string) => (typeof f[k] === 'string' && f[k].trim() ? f[k].trim() : undefined);
  const split = (k: string) =>
    (text(k) ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const summary = Object.fromEntries(
    LANGUAGES.flatMap((l) => (text(`summary_${l}`) ? [[l, text(`summary_${l}`)]] : [])),
  );
  const topics = f.topics === undefined ? [] : ([] as unknown[]).concat(f.topics);
  return {
    kind: text('kind'),
    name: text('name'),
    topics,
    regions: split('regions'),
    countries: split('countries'),
    phone: text('phone'),
    place: text('place'),
    hours: text('hours'),
    languages: Object.keys(summary),
    summary,
    startsAt: text('startsAt'),
  };
}

/** Who can help: the entries miners find with `HELP <topic>` and `EVENTS`; staff add and remove them. */
export const mountDirectory: Mount = (r, deps) => {
  const { store } = deps;

  const render = async (_req: Request, ctx: PageContext, error?: string): Promise<PageResult> => {
    const { t } = ctx;
    const items = await listEntries(store);
    // who is coming to each event: by region and role for everyone, the numbers for admins
    const coming = new Map<string, Html>();
    for (const e of items.filter((x) => x.kind === 'event' && x.going > 0)) {
      const a = await attendance(store, e._id);
      const counts = (o: Record<string, number>, label: (k: string) => string) =>
        Object.entries(o)
          .map(([k, v]) => `${k === 'unknown' ? '—' : label(k)} ${num(ctx, v)}`)
          .join(', ');
      const people = can(ctx, 'admin') ? await attendees(store, a.rsvps) : [];
      coming.set(
        e._id,
        html`${num(ctx, a.total)}
          <span class="muted"
            >(${counts(a.byRegion, (k) => k)}; ${counts(a.byRole, (k) => t(`contactRoles.${k}`))})</span
          >
          ${
            people.length
              ? html`<details>
                  <summary>${t('directory.numbers')}</summary>
                  ${people
                    .map((p) => p.phone)
                    .filter(Boolean)
                    .join(', ')}
                </details>`
              : ''
          }`,
      );
    }
    const form = html`<form class="card" method="post" action="/dashboard/directory" id="add-entry">
      ${csrfField(ctx)}
      <h2>${t('directory.add')}</h2>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <label for="f-kind">${t('directory.kind')}</label>
      ${select(
        'kind',
        ENTRY_KINDS.map((k) => ({ value: k, label: t(`directory.kinds.${k}`) })),
        'organisation',
      )}
      <label for="name">${t('directory.name')}</label>
      <input id="name" name="name" maxlength="40" required />
      <fieldset>
        <legend>${t('directory.topics')}</legend>
        ${TOPICS.map(
          (x) =>
            html`<label class="check"
              ><input type="checkbox" name="topics" value="${x}" /> ${t(`directory.topicNames.${x}`)}</label
            >`,
        )}
      </fieldset>
      <label for="regions">${t('directory.regions')}</label>
      <input id="regions" name="regions" placeholder="Sud-Kivu, Maniema" />
      <label for="countries">${t('directory.countries')}</label>
      <input id="countries" name="countries" placeholder="CD" />
      <label for="phone">${t('directory.phone')}</label>
      <input id="phone" name="phone" maxlength="20" type="tel" />
      <label for="place">${t('directory.place')}</label>
      <input id="place" name="place" maxlength="60" />
      <label for="hours">${t('directory.hours')}</label>
      <input id="hours" name="hours" maxlength="40" />
      <label for="startsAt">${t('directory.startsAt')}</label>
      <input id="startsAt" name="startsAt" placeholder="2026-12-10T09:00+02:00" />
      ${LANGUAGES.map(
        (l) =>
          html`<label for="summary_${l}">${t('directory.summary', { lang: l })}</label>
            <textarea id="summary_${l}" name="summary_${l}" maxlength="160" rows="2"></textarea>`,
      )}
      <p class="hint">${t('directory.hint')}</p>
      <button type="submit">${t('directory.submit')}</button>
    </form>`;
    return {
      status: error ? 400 : 200,
      title: t('directory.title'),
      body: html`${can(ctx, 'staff') ? form : ''}
        <section>
          ${
            items.length
              ? table(
                  [
                    t('directory.name'),
                    t('directory.kind'),
                    t('directory.topics'),
                    t('directory.regions'),
                    t('directory.contact'),
                    t('directory.going'),
                    '',
                  ],
                  items.map((e) => [
                    e.name,
                    e.kind === 'event' && e.startsAt
                      ? `${t(`directory.kinds.${e.kind}`)}, ${when(ctx, e.startsAt)}`
                      : t(`directory.kinds.${e.kind}`),
                    e.topics.map((x) => t(`directory.topicNames.${x}`)).join(', '),
                    [...e.regions, ...e.countries].join(', '),
                    [e.place, e.phone, e.hours].filter(Boolean).join(', '),
                    e.kind === 'event' ? (coming.get(e._id) ?? num(ctx, e.going)) : '',
                    can(ctx, 'staff')
                      ? html`<form method="post" action="/dashboard/directory/${e._id}/delete" class="inline">
                          ${csrfField(ctx)}
                          <button type="submit" class="danger" data-delete="${e.name}">
                            ${t('directory.delete')}
                          </button>
                        </form>`
                      : '',
                  ]),
                  'directory',
                )
              : html`<p class="muted">${t('directory.none')}</p>`
          }
        </section>`,
    };
  };

  r.get(
    '/directory',
    page((req, ctx) => render(req, ctx)),
  );

  r.post(
    '/directory',
    action(async (req, res, ctx) => {
      try {
        await addEntry(
          store,
          deps.triage,
          bodyOfForm(req.body as Record<string, unknown>),
          staffOf(ctx.dash!),
        );
        res.redirect(303, '/dashboard/directory?ok=entryAdded');
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err;
        sendPage(req, res, ctx, await render(req, ctx, err.message));
      }
    }),
  );

  r.post(
    '/directory/:id/delete',
    action(async (req, res, ctx) => {
      await removeEntry(store, String(req.params.id), staffOf(ctx.dash!));
      res.redirect(303, '/dashboard/directory?ok=entryDeleted');
    }),
  );
};
