// Limits shared by every batch and every production in one process: the account's capacity is per
// provider, whichever project or command the work came from.
import type { DailiesConfig } from '../config';
import type { ModelClass, ProviderId } from '../project/schema';
import { AdaptiveLimiter } from './limiter';
import { RateLimiter } from './rateLimiter';

export class Scheduler {
  private classLimiters = new Map<string, AdaptiveLimiter>();
  private rateLimiters = new Map<ProviderId, RateLimiter>();
  readonly media: AdaptiveLimiter;
  /** Output downloads streaming to disk at once, across batches (they run after the model slot is freed). */
  readonly downloads: AdaptiveLimiter;

  constructor(private config: DailiesConfig) {
    this.media = new AdaptiveLimiter('media', config.mediaConcurrency);
    this.downloads = new AdaptiveLimiter('downloads', config.downloads.concurrency);
  }

  configure(config: DailiesConfig): void {
    this.config = config;
    for (const [key, limiter] of this.classLimiters) {
      const cls = key.split(':')[1] as ModelClass;
      limiter.setMax(config.limits[cls]);
    }
    for (const [provider, rate] of this.rateLimiters) rate.setRate(config.ratePerSecond[provider]);
    this.media.setMax(config.mediaConcurrency);
    this.downloads.setMax(config.downloads.concurrency);
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
    let limiter = this.rateLimiters.get(provider);
    if (!limiter) {
      limiter = new RateLimiter(this.config.ratePerSecond[provider]);
      this.rateLimiters.set(provider, limiter);
    }
    return limiter;
  }

  limiters(): AdaptiveLimiter[] {
    return [...this.classLimiters.values()];
  }
}
