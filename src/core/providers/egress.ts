// The only way a request leaves Dailies for a provider, a CDN or a URL read from a response or a file.
// Per hop (redirects are followed here, a bounded number of times, and every hop is checked again):
// - route it (a configured base URL / proxy may stand in for the provider's hosts);
// - the configured base URL's origin may be anything (plain http, loopback: it is the user's own
//   setting); everything else must be https on a public address — a literal IP or every address its
//   name resolves to — so a response cannot point Dailies at a local service or 169.254.169.254;
// - a key (Authorization) goes only to the provider's API hosts or the base URL; any other destination
//   is refused before a connection is made, and a redirect to another origin drops the header.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DailiesError } from '../util/errors';
import { classifyAddress } from './addresses';
import type { FetchFn, Router } from './routes';

export type Lookup = (hostname: string) => Promise<string[]>;

export interface EgressPolicy {
  /** Names the provider in messages ("fal.ai", "Replicate"). */
  label: string;
  /** Hosts that may receive the provider's key, over https. */
  keyHosts: RegExp;
  /** Configured base URLs (gateway, proxy, test fake): their origins are trusted, key included. */
  trusted: string[];
  route?: Router;
  lookup?: Lookup;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 5;

export const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** A fetch that enforces the policy on every hop; `init.signal` is passed to every hop. */
export function egressFetch(policy: EgressPolicy, inner: FetchFn): FetchFn {
  const trusted = new Set(policy.trusted.map((u) => new URL(u).origin));
  const lookup = policy.lookup ?? systemLookup;
  const maxRedirects = policy.maxRedirects ?? DEFAULT_MAX_REDIRECTS;

  const check = async (dest: URL): Promise<void> => {
    if (trusted.has(dest.origin) || dest.protocol === 'data:') return;
    if (dest.protocol !== 'https:') {
      throw refused(dest, 'only https URLs are fetched (and the configured base URL)');
    }
    const host = dest.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const kind = classifyAddress(host);
      if (kind !== 'public') throw refused(dest, `${host} is a ${kind} address`);
      return;
    }
    // The provider's own API names are not from a response; everything else is resolved and checked.
    if (policy.keyHosts.test(host)) return;
    let addresses: string[];
    try {
      addresses = await lookup(host);
    } catch {
      return; // Unresolvable here: the fetch fails on its own (or a system proxy resolves it remotely).
    }
    for (const address of addresses) {
      const kind = classifyAddress(address);
      if (kind !== 'public') throw refused(dest, `${host} resolves to ${address}, a ${kind} address`);
    }
  };

  const mayCarryKey = (dest: URL) =>
    trusted.has(dest.origin) || (dest.protocol === 'https:' && policy.keyHosts.test(dest.hostname));

  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    for (const [k, v] of new Headers(init.headers)) headers.set(k, v);
    let body = init.body ?? (input instanceof Request ? input.body : undefined);
    for (let hop = 0; ; hop++) {
      const route = policy.route?.(url);
      const dest = route?.url ?? url;
      if (headers.has('authorization') && !mayCarryKey(dest)) {
        throw new DailiesError(
          'auth',
          `Refused to send the ${policy.label} key to ${dest.host}: keys go only to ${policy.label}'s API or the configured base URL`,
        );
      }
      await check(dest);
      const sent = new Headers(headers);
      for (const [k, v] of Object.entries(route?.headers ?? {})) sent.set(k, v);
      const res = await inner(dest, {
        ...init,
        method,
        headers: sent,
        body,
        redirect: 'manual',
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location || !(method === 'GET' || method === 'HEAD')) return res;
      await res.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects) throw refused(url, `more than ${maxRedirects} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) headers.delete('authorization');
      if (res.status === 303) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  };
}

function refused(url: URL, why: string): DailiesError {
  return new DailiesError('network', `Refused ${url.protocol}//${url.host}${url.pathname}: ${why}`);
}
