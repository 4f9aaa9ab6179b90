// The limits of one production: a concurrency limiter per provider and model class, from that project's
// own config, so one production's `limits` never set another's. What belongs to the process or the
// account rather than the project — the per-provider request rate (and its 429 pause) and the image work
// in flight on this machine's cores and the downloads on its link — lives in SharedLimits, which several productions may share: in VS
// Code every production of a window renders with the same keys on the same cores.
import type { DailiesConfig } from '../config';
import type { ModelClass, ProviderId } from '../project/schema';
import { AdaptiveLimiter } from './limiter';
import { RateLimiter } from './rateLimiter';

type SharedConfig = Pick<DailiesConfig, 'ratePerSecond' | 'mediaConcurrency' | 'downloads'>;

export class SharedLimits {
  private readonly rates = new Map<ProviderId, RateLimiter>();
  /** sharp jobs in flight (decode, verify, thumbnail): the machine's cores, whoever asks. */
  readonly media: AdaptiveLimiter;
  /** Output downloads streaming to disk at once (they run after the model slot is freed). */
  readonly downloads: AdaptiveLimiter;

  constructor(private config: SharedConfig) {
    this.media = new AdaptiveLimiter('media', config.mediaConcurrency);
    this.downloads = new AdaptiveLimiter('downloads', config.downloads.concurrency);
  }

  rate(provider: ProviderId): RateLimiter {
    let limiter = this.rates.get(provider);
    if (!limiter) {
      limiter = new RateLimiter(this.config.ratePerSecond[provider]);
      this.rates.set(provider, limiter);
    }
    return limiter;
  }

  configure(config: SharedConfig): void {
    this.config = config;
    for (const [provider, rate] of this.rates) rate.setRate(config.ratePerSecond[provider]);
    this.media.setMax(config.mediaConcurrency);
    this.downloads.setMax(config.downloads.concurrency);
  }
}

export class Scheduler {
  private classLimiters = new Map<string, AdaptiveLimiter>();
  readonly shared: SharedLimits;
  /** Shared limits passed in belong to whoever shares them: only the owner configures them. */
  private readonly ownsShared: boolean;

  constructor(
    private config: DailiesConfig,
    shared?: SharedLimits,
  ) {
    this.shared = shared ?? new SharedLimits(config);
    this.ownsShared = shared === undefined;
  }

  get media(): AdaptiveLimiter {
    return this.shared.media;
  }

  get downloads(): AdaptiveLimiter {
    return this.shared.downloads;
  }

  configure(config: DailiesConfig): void {
    this.config = config;
    for (const [key, limiter] of this.classLimiters) {
      const cls = key.split(':')[1] as ModelClass;
      limiter.setMax(config.limits[cls]);
    }
    if (this.ownsShared) this.shared.configure(config);
  }

  classLimiter(provider: ProviderId, cls: ModelClass): AdaptiveLimiter {
    const key = `${provider}:${cls}`;
    let limiter = this.classLimiters.get(key);
    if (!limiter) {
      limiter = new AdaptiveLimiter(key, this.config.limits[cls]);
      this.classLimiters.set(key, limiter);
    }
    return limiter;
  }

  rate(provider: ProviderId): RateLimiter {
    return this.shared.rate(provider);
  }

  limiters(): AdaptiveLimiter[] {
    return [...this.classLimiters.values()];
  }
}
