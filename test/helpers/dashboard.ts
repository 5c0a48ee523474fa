import { TestService } from './service';

/** A logged-in dashboard client: keeps the cookie, reads the CSRF token off pages. */
export async function login(svc: TestService, token: string, language = 'en') {
  const res = await fetch(`${svc.url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: svc.url },
    body: new URLSearchParams({ token, language }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  const get = async (path: string) => {
    const r = await fetch(svc.url + path, { headers: { cookie }, redirect: 'manual' });
    return { status: r.status, text: await r.text(), headers: r.headers };
  };
  const csrf = async () => /name="_csrf" value="([^"]+)"/.exec((await get('/dashboard')).text)?.[1] ?? '';
  const post = async (path: string, form: Record<string, string>) => {
    const r = await fetch(svc.url + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    return { status: r.status, text: await r.text(), location: r.headers.get('location') };
  };
  return { res, setCookie, cookie, get, post, csrf };
}
