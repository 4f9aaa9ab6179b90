// sharp is loaded lazily (activation must stay fast) and tuned once: libvips threads = 1 with a few jobs
// in flight beats libvips' own threading on 2 cores, and leaves room for the rest of the extension host.
// libvips' operation cache stays small: every output Dailies checks is a different image, and draft
// frames measured no faster with 64 MB of it than with none, while a batch's resident memory was.
import type { Sharp, SharpOptions } from 'sharp';
import { useBundledFonts } from './fonts';

type SharpFactory = (input?: Buffer | Uint8Array | string, options?: SharpOptions) => Sharp;
let loaded: SharpFactory | undefined;

export function sharp(input?: Buffer | Uint8Array | string, options?: SharpOptions): Sharp {
  if (!loaded) {
    useBundledFonts(); // before libvips' fontconfig first reads its configuration
    const mod = require('sharp') as SharpFactory & { concurrency(n: number): number; cache(o: object): void };
    mod.concurrency(1);
    mod.cache({ memory: 16, files: 0, items: 20 });
    loaded = mod;
  }
  return loaded(input, options);
}
