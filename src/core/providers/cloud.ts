// The cloud providers, kept out of the draft-only path so the CLI and extension load the SDKs only when
// a key exists (both SDKs are a few hundred KB of parse time on activation otherwise).
import type { CloudProviderFactory } from './factory';

export const cloudProviders: CloudProviderFactory = {
  fal: (key, config, deps) => {
    const { FalProvider } = require('./fal') as typeof import('./fal');
    return new FalProvider({ key, config, pollMs: config.pollMs, ...deps });
  },
  replicate: (key, config, deps) => {
    const { ReplicateProvider } = require('./replicate') as typeof import('./replicate');
    return new ReplicateProvider({ key, config, pollMs: config.pollMs, ...deps });
  },
};
