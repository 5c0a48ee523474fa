import { z } from 'zod';
import { SlidingWindowLimiter } from '../../../flows/limiter';
import { credentialOfToken, touchCredential } from '../../../staff/credentials';
import { parseBody } from '../../validation';
import { html } from '../html';
import { checkCsrf, checkSameOrigin, closeSession, openSession } from '../session';
import { PageContext, layout, select } from '../views';
import { Mount, context } from '../page';

/** Login with an API token (kept only as a session), and logout. */
export const mountLogin: Mount = (r, deps) => {
  const { store } = deps;
  const loginLimiter = new SlidingWindowLimiter(10, 15 * 60_000);
  const loginPage = (ctx: PageContext, error?: string, nextUrl = '/dashboard') =>
    layout(
      ctx,
      ctx.t('login.title'),
      html`<form class="card login" method="post" action="/dashboard/login">
        ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <label for="token">${ctx.t('login.token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          maxlength="200"
        />
        <label for="language">${ctx.t('login.language')}</label>
        ${select(
          'language',
          [
            { value: 'en', label: 'English' },
            { value: 'fr', label: 'Français' },
          ],
          ctx.lang,
        )}
        <input type="hidden" name="next" value="${nextUrl}" />
        <button type="submit">${ctx.t('login.submit')}</button>
        <p class="hint">${ctx.t('login.hint')}</p>
      </form>`,
    );

  const safeNext = (v: unknown) =>
    typeof v === 'string' && /^\/dashboard(\/[\w\-/?=&%.]*)?$/.test(v) && !v.startsWith('//')
      ? v
      : '/dashboard';

  r.get('/login', (req, res) => {
    if (req.dash) return res.redirect(303, '/dashboard');
    res.type('html').send(loginPage(context(req), undefined, safeNext(req.query.next)));
  });

  r.post('/login', async (req, res) => {
    checkSameOrigin(req);
    const body = parseBody(
      z.object({
        token: z.string().max(200),
        language: z.enum(['en', 'fr']).default('en'),
        next: z.string().max(500).optional(),
      }),
      req.body,
    );
    // the whole page answers in the language the person chose, the error with it
    const ctx = context(req, body.language);
    const ip = req.ip ?? 'unknown';
    // ten wrong tokens from one address in 15 minutes: that address waits
    if (loginLimiter.count(ip) >= loginLimiter.limit)
      return res
        .status(429)
        .type('html')
        .send(loginPage(ctx, ctx.t('login.tooMany'), safeNext(body.next)));
    const cred = body.token ? await credentialOfToken(store, body.token.trim()) : null;
    if (!cred || cred.revokedAt) {
      loginLimiter.over(ip);
      deps.log.info({ ip }, 'dashboard login refused');
      return res
        .status(401)
        .type('html')
        .send(loginPage(ctx, ctx.t('login.wrong'), safeNext(body.next)));
    }
    await touchCredential(store, cred._id);
    await openSession(store, req, res, {
      credentialId: cred._id,
      role: cred.role,
      name: cred.name,
      language: body.language,
    });
    deps.log.info({ staff: cred.name, role: cred.role }, 'dashboard login');
    res.redirect(303, safeNext(body.next));
  });

  r.post('/logout', async (req, res) => {
    if (req.dash) checkCsrf(req);
    await closeSession(store, req, res);
    res.redirect(303, '/dashboard/login');
  });
};
