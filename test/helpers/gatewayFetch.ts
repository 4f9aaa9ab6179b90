// For tests and benchmarks that drive an SDK directly (not through Dailies): a fetch that sends the
// provider's hosts to a fake, path kept, original URL in `x-dailies-target-url`.
import { type FetchFn, gatewayRouter, requestUrl } from '../../src/core/providers/routes';

export function redirectingFetch(options: { base: string; hosts: RegExp; fetch?: FetchFn }): FetchFn {
  const route = gatewayRouter(options.base, options.hosts);
  const inner = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return (input, init) => {
    const routed = route(requestUrl(input));
    if (!routed) return inner(input, init);
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(routed.headers)) headers.set(k, v);
    return inner(routed.url, { ...init, headers });
  };
}
