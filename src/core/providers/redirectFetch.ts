// Neither @fal-ai/client nor Replicate's output/file URLs honour a base URL, so a gateway, proxy or test
// fake can only stand in through the `fetch` both clients accept. Requests to a provider host are sent to
// `${base}${pathname}${search}`; the original URL travels in a header so one endpoint can serve every host.
export const TARGET_URL_HEADER = 'x-dailies-target-url';

export type FetchFn = typeof globalThis.fetch;

export interface RedirectOptions {
  /** Origin (optionally with a path prefix) that replaces the provider host, e.g. `http://127.0.0.1:4010`. */
  base: string;
  /** Hostnames that are redirected; anything else goes out unchanged. */
  hosts: RegExp;
  fetch?: FetchFn;
}

export function requestUrl(input: string | URL | Request): URL {
  if (typeof input === 'string') return new URL(input);
  if (input instanceof URL) return input;
  return new URL(input.url);
}

export function redirectingFetch(options: RedirectOptions): FetchFn {
  const base = new URL(options.base);
  const prefix = base.pathname.replace(/\/+$/, '');
  const inner = options.fetch ?? globalThis.fetch;
  const redirected: FetchFn = async (input, init) => {
    const url = requestUrl(input);
    if (!options.hosts.test(url.hostname)) return inner(input, init);
    const target = new URL(base.origin);
    target.pathname = prefix + url.pathname;
    target.search = url.search;
    if (input instanceof Request) {
      const headers = new Headers(input.headers);
      for (const [k, v] of new Headers(init?.headers)) headers.set(k, v);
      headers.set(TARGET_URL_HEADER, url.href);
      return inner(new Request(target, { ...cloneRequestInit(input), ...init, headers }));
    }
    const headers = new Headers(init?.headers);
    headers.set(TARGET_URL_HEADER, url.href);
    return inner(target, { ...init, headers });
  };
  return redirected;
}

function cloneRequestInit(req: Request): RequestInit & { duplex?: 'half' } {
  const init: RequestInit & { duplex?: 'half' } = {
    method: req.method,
    signal: req.signal,
    redirect: req.redirect,
  };
  if (req.body) {
    init.body = req.body;
    init.duplex = 'half';
  }
  return init;
}

export const FAL_HOSTS = /(^|\.)fal\.(run|ai|media)$/;
export const REPLICATE_HOSTS = /(^|\.)(replicate\.com|replicate\.delivery)$/;
