/**
 * A minimal browser for the provider's side of the flow: follows redirects, keeps cookies per
 * host, and fills in oidc-provider's development login and consent pages.
 */
export interface TestBrowser {
  /**
   * Opens `url` and clicks through login (as `login`) and consent until a redirect leaves for
   * `stopAt`; returns that redirect's URL (the app's callback with `code`, `state`, `iss`).
   * With `abort`, the user cancels at the first page instead (→ `error=access_denied`).
   */
  authorize(url: string, options: { login: string; stopAt: string; abort?: boolean }): Promise<URL>;
  /** A GET with this browser's cookies for the URL's host (e.g. the CSRF cookie). */
  get(url: string | URL, headers?: Record<string, string>): Promise<Response>;
}

function storeCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
    if (value === '' || expired) jar.delete(name);
    else jar.set(name, value);
  }
}

export function createBrowser(): TestBrowser {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (url: URL): Map<string, string> => {
    const jar = jars.get(url.host) ?? new Map<string, string>();
    jars.set(url.host, jar);
    return jar;
  };
  const send = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const jar = jarOf(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    storeCookies(jar, response);
    return response;
  };

  return {
    get: (url, headers) => send(new URL(url), { headers }),
    async authorize(start, { login, stopAt, abort }) {
      let url = new URL(start);
      for (let hop = 0; hop < 20; hop++) {
        const response = await send(url);
        if (response.status >= 300 && response.status < 400) {
          await response.body?.cancel();
          const next = new URL(response.headers.get('location') ?? '', url);
          if (next.href.startsWith(stopAt)) return next;
          url = next;
          continue;
        }
        const html = await response.text();
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
        if (response.status !== 200 || !prompt) {
          throw new Error(`unexpected provider page ${response.status} at ${url.pathname}`);
        }
        if (abort) {
          url = new URL(`${url.pathname}/abort`, url);
          continue;
        }
        const body = new URLSearchParams(
          prompt === 'login' ? { prompt, login, password: 'any' } : { prompt },
        );
        const submitted = await send(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        await submitted.body?.cancel();
        const next = new URL(submitted.headers.get('location') ?? '', url);
        if (next.href.startsWith(stopAt)) return next;
        url = next;
      }
      throw new Error('too many redirects');
    },
  };
}
