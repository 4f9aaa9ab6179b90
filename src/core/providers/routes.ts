// Where a provider request really goes, and which URLs belong to a provider. Neither @fal-ai/client nor
// Replicate's output/file URLs honour a base URL, so a proxy, gateway or test fake can only stand in at
// the fetch both clients accept. Two protocols:
// - fal: fal's own proxy protocol (@fal-ai/client `proxyUrl`, @fal-ai/server-proxy): every call to fal's
//   API goes to the proxy URL itself, with the original URL in `x-fal-target-url`. Media (signed upload
//   PUTs, CDN downloads) go straight to fal's storage, as fal's client does: the proxy allows only fal's
//   API hosts and forwards bodies as text.
// - Replicate (no proxy protocol of its own): the client takes the base URL for API calls; file and output
//   URLs on Replicate's hosts go to `${base}${pathname}${search}` with the original in `x-dailies-target-url`.
export const TARGET_URL_HEADER = 'x-dailies-target-url';
export const FAL_TARGET_URL_HEADER = 'x-fal-target-url';

export type FetchFn = typeof globalThis.fetch;

/** fal's API: queue, sync runs, storage initiation (rest.alpha until client 1.9.3). Keys go only here. */
export const FAL_API_HOSTS = /^(queue\.fal\.run|fal\.run|rest\.fal\.ai|rest\.alpha\.fal\.ai)$/;
/** fal's CDN and signed-upload hosts (v3.fal.media, fal.media…). */
export const FAL_MEDIA_HOSTS = /(^|\.)fal\.media$/;
export const FAL_HOSTS = /(^|\.)fal\.(run|ai|media)$/;
export const REPLICATE_API_HOSTS = /^api\.replicate\.com$/;
export const REPLICATE_HOSTS = /(^|\.)(replicate\.com|replicate\.delivery)$/;

export function requestUrl(input: string | URL | Request): URL {
  if (typeof input === 'string') return new URL(input);
  if (input instanceof URL) return input;
  return new URL(input.url);
}

export interface Route {
  /** What is dialled instead. */
  url: URL;
  headers: Record<string, string>;
}

/** Undefined: dial the URL itself. */
export type Router = (url: URL) => Route | undefined;

export function falProxyRouter(proxyUrl: string): Router {
  const proxy = new URL(proxyUrl);
  return (url) =>
    url.protocol === 'https:' && FAL_API_HOSTS.test(url.hostname)
      ? { url: proxy, headers: { [FAL_TARGET_URL_HEADER]: url.href } }
      : undefined;
}

export function gatewayRouter(base: string, hosts: RegExp): Router {
  const origin = new URL(base);
  const prefix = origin.pathname.replace(/\/+$/, '');
  return (url) => {
    if (!hosts.test(url.hostname) || url.origin === origin.origin) return undefined;
    const target = new URL(origin.origin);
    target.pathname = prefix + url.pathname;
    target.search = url.search;
    return { url: target, headers: { [TARGET_URL_HEADER]: url.href } };
  };
}

/**
 * Whether a stored upload URL can be the provider's own: fal CDN files, Replicate's files API, or the
 * configured base URL's origin. Anything else in .dailies/uploads.json was not written by Dailies.
 */
export function isProviderFileUrl(provider: string, raw: string, baseUrl: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (baseUrl && url.origin === originOf(baseUrl)) return true;
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  if (provider === 'fal') return FAL_MEDIA_HOSTS.test(url.hostname);
  if (provider === 'replicate')
    return REPLICATE_API_HOSTS.test(url.hostname) && url.pathname.startsWith('/v1/files/');
  return false;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** For messages: the host of a URL read from a file, or a bounded prefix of whatever it is. */
export function hostOfUrl(raw: string): string {
  try {
    return new URL(raw).host || raw.slice(0, 40);
  } catch {
    return raw.slice(0, 40);
  }
}
