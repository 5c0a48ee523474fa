import { Request } from 'express';
import { BadRequest, Forbidden } from '../../../domain/errors';
import { STAFF_ROLES } from '../../../models';
import { TOPICS } from '../../../domain/topics';
import { createCredential, listCredentials, revokeCredential } from '../../../staff/credentials';
import { credentialBody } from '../../credentials';
import { parseBody } from '../../validation';
import { html } from '../html';
import { Mount, PageResult, action, page, sendPage, staffOf } from '../page';
import { PageContext, csrfField, select, table, when } from '../views';

/** Access tokens (admins only): create one (shown once), list them, revoke one. */
export const mountAccess: Mount = (r, deps) => {
  const { store } = deps;

  const render = async (
    _req: Request,
    ctx: PageContext,
    shown?: { name: string; token: string },
    error?: string,
  ): Promise<PageResult> => {
    const { t } = ctx;
    const items = await listCredentials(store, { limit: 200, offset: 0 });
    return {
      status: shown ? 201 : error ? 400 : 200,
      title: t('access.title'),
      body: html`<p class="hint">${t('access.hint')}</p>
        ${
          shown
            ? html`<section class="card token-shown" role="status">
                <p>${t('access.created', { name: shown.name })}</p>
                <p><code id="new-token">${shown.token}</code></p>
              </section>`
            : ''
        }
        <form class="card" method="post" action="/dashboard/access" id="create-token">
          ${csrfField(ctx)}
          <h2>${t('access.create')}</h2>
          ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
          <label for="name">${t('access.name')}</label>
          <input id="name" name="name" maxlength="80" required />
          <label for="f-role">${t('access.role')}</label>
          ${select(
            'role',
            STAFF_ROLES.map((x) => ({ value: x, label: t(`roles.${x}`) })),
            'staff',
          )}
          <fieldset>
            <legend>${t('access.topics')}</legend>
            ${TOPICS.map(
              (x) =>
                html`<label class="check"
                  ><input type="checkbox" name="topics" value="${x}" />
                  ${t(`directory.topicNames.${x}`)}</label
                >`,
            )}
          </fieldset>
          <button type="submit">${t('access.submit')}</button>
        </form>
        <section>
          ${
            items.length
              ? table(
                  [
                    t('access.name'),
                    t('access.role'),
                    t('access.created_at'),
                    t('access.lastUsed'),
                    t('access.state'),
                    '',
                  ],
                  items.map((c) => [
                    c.name,
                    t(`roles.${c.role}`),
                    when(ctx, c.createdAt),
                    c.lastUsedAt ? when(ctx, c.lastUsedAt) : t('access.never'),
                    c.revokedAt ? t('access.revoked', { when: when(ctx, c.revokedAt) }) : t('access.active'),
                    c.revokedAt
                      ? ''
                      : html`<form method="post" action="/dashboard/access/${c.id}/revoke" class="inline">
                          ${csrfField(ctx)}
                          <button type="submit" class="danger" data-revoke="${c.name}">
                            ${t('access.revoke')}
                          </button>
                        </form>`,
                  ]),
                  'access',
                )
              : html`<p class="muted">${t('access.none')}</p>`
          }
        </section>`,
    };
  };

  r.get(
    '/access',
    page((req, ctx) => render(req, ctx), 'admin'),
  );

  // the token is shown in the answer to the POST, once: never in a URL, never stored
  r.post(
    '/access',
    action(async (req, res, ctx) => {
      try {
        const { name, role, topics } = req.body as Record<string, unknown>;
        const body = parseBody(credentialBody, {
          name,
          role,
          ...(role === 'expert'
            ? { topics: topics === undefined ? [] : ([] as unknown[]).concat(topics) }
            : {}),
        });
        const made = await createCredential(store, staffOf(ctx.dash!), body);
        res.set('Cache-Control', 'no-store');
        sendPage(req, res, ctx, await render(req, ctx, { name: made.name, token: made.token }));
      } catch (err) {
        if (!(err instanceof BadRequest || err instanceof Forbidden)) throw err;
        sendPage(req, res, ctx, await render(req, ctx, undefined, err.message));
      }
    }, 'admin'),
  );

  r.post(
    '/access/:id/revoke',
    action(async (req, res, ctx) => {
      await revokeCredential(store, staffOf(ctx.dash!), String(req.params.id));
      res.redirect(303, '/dashboard/access?ok=revoked');
    }, 'admin'),
  );
};
