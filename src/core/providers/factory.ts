// Builds the providers a run can use from the config and the keys at hand. A provider without its key
// is not an error until a shot needs it; then the shot fails with a message that says how to fix it.
import type { DailiesConfig } from '../config';
import type { RateLimiter } from '../render/rateLimiter';
import { DraftProvider } from './draft';
import type { Provider, ProviderId } from './types';

export interface ProviderKeys {
  fal?: string;
  replicate?: string;
}

/** Keys as the CLI and dev boxes give them: FAL_KEY (or FAL_KEY_ID + FAL_KEY_SECRET), REPLICATE_API_TOKEN. */
export function keysFromEnv(env: NodeJS.ProcessEnv): ProviderKeys {
  const fal =
    env.FAL_KEY ||
    (env.FAL_KEY_ID && env.FAL_KEY_SECRET ? `${env.FAL_KEY_ID}:${env.FAL_KEY_SECRET}` : undefined);
  return { fal: fal || undefined, replicate: env.REPLICATE_API_TOKEN || undefined };
}

export interface ProviderSet {
  providers: Partial<Record<ProviderId, Provider>>;
  unavailable: Partial<Record<ProviderId, string>>;
}

export interface CloudDeps {
  /** The process-wide request rate of this provider (see Scheduler.rate). */
  rate?: RateLimiter;
  /** The network underneath (tests stand in for DNS and hosts here; the real stack otherwise). */
  fetch?: typeof globalThis.fetch;
  lookup?: (hostname: string) => Promise<string[]>;
}

export interface CloudProviderFactory {
  /** `key` is undefined for fal behind a server proxy (`baseUrls.fal`) that holds the key. */
  fal?: (key: string | undefined, config: DailiesConfig, deps: CloudDeps) => Provider;
  replicate?: (key: string, config: DailiesConfig, deps: CloudDeps) => Provider;
}

export function createProviders(
  config: DailiesConfig,
  keys: ProviderKeys,
  cloud: CloudProviderFactory = {},
  deps: { fal?: CloudDeps; replicate?: CloudDeps } = {},
  hints: { fal: string; replicate: string } = { fal: 'set FAL_KEY', replicate: 'set REPLICATE_API_TOKEN' },
): ProviderSet {
  const providers: Partial<Record<ProviderId, Provider>> = {
    draft: new DraftProvider({ ...config.draft, ffmpegPath: config.ffmpegPath }),
  };
  const unavailable: Partial<Record<ProviderId, string>> = {};
  // fal's server proxy adds the key on the studio's server: with a base URL, no key here is fine.
  if ((keys.fal || config.baseUrls.fal) && cloud.fal)
    providers.fal = cloud.fal(keys.fal || undefined, config, deps.fal ?? {});
  else unavailable.fal = `No fal.ai key: ${hints.fal}`;
  if (keys.replicate && cloud.replicate)
    providers.replicate = cloud.replicate(keys.replicate, config, deps.replicate ?? {});
  else unavailable.replicate = `No Replicate key: ${hints.replicate}`;
  return { providers, unavailable };
}
