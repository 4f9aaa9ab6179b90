// The "internet" under the providers in in-process tests: fal's CDN and signed-upload hosts (which a
// real client reaches directly, never through a base URL or proxy) answer from the fal fake, and
// resolve to a public address. Everything else is the real network stack (loopback fakes and spies).
// It sits beneath every policy Dailies applies, exactly where DNS and TCP would be, on the transport
// Dailies uses (nodeFetch).
import { lookup as dnsLookup } from 'node:dns/promises';
import { nodeFetch } from '../../src/core/providers/nodeFetch';
import type { FalFake } from '../fakes/falFake';

const FAL_MEDIA = /(^|\.)fal\.media$/;
/** TEST-NET-3: a public-looking address nothing answers on, for names the fake stands in for. */
export const PUBLIC_TEST_ADDRESS = '203.0.113.10';

export interface TestInternet {
  fetch: typeof globalThis.fetch;
  lookup: (host: string) => Promise<string[]>;
}

export function testInternet(fal?: FalFake): TestInternet {
  return {
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (fal && FAL_MEDIA.test(url.hostname)) {
        return nodeFetch(`${fal.origin}/_media/${url.host}${url.pathname}${url.search}`, init);
      }
      return nodeFetch(input, init);
    },
    lookup: async (host) => {
      if (fal && FAL_MEDIA.test(host)) return [PUBLIC_TEST_ADDRESS];
      return (await dnsLookup(host, { all: true })).map((a) => a.address);
    },
  };
}
