// Reference uploads for the whole team: `dailies:uploads` in Redis maps provider + content hash to the URL
// the provider gave and its expiry, so a ref is uploaded once per provider for everyone, not once per
// artist or per worker. Two machines needing the same new ref at once: one takes a short lock and
// uploads, the other waits for the entry. A worker has no project: it reads a ref's bytes from the shared
// store, where the artist's machine put them before queueing the job.
import { promises as fs } from 'node:fs';
import type { Redis } from 'ioredis';
import type { DailiesConfig } from '../config';
import { prescale } from '../media/prescale';
import type { MetricsStore } from '../metrics/metricsStore';
import { hostOfUrl, isProviderFileUrl } from '../providers/routes';
import type { Provider, RefInput } from '../providers/types';
import type { BatchUploader, PrewarmStats } from '../render/engine';
import type { PlannedJob, PlannedShot } from '../render/plan';
import { withRetry } from '../render/retry';
import { sleep } from '../util/abort';
import { DailiesError, toDailiesError } from '../util/errors';
import { mapLimit } from '../util/mapLimit';
import { keys } from './redis';
import type { SharedStore } from './sharedStore';

/** Refs in the shared store carry this extension: their bytes are the artist's file, as hashed. */
export const REF_EXT = 'ref';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const FORGET = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0`;
/** A failed upload is not retried by every job that needs the ref for this long. */
const FAILURE_MEMORY_MS = 60_000;

interface UploadEntry {
  url: string;
  uploadedAt: number;
  expiresAt: number;
}

type How = 'new' | 'cached' | 'revalidated';
type Logger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  tag: 'PREWARM' | 'CACHE' | 'UPLOAD',
  message: string,
) => void;

export class SharedUploads implements BatchUploader {
  /** provider:sha256 whose URL this process uploaded or checked. */
  private readonly trusted = new Set<string>();
  private readonly inflight = new Map<string, Promise<{ url: string; how: How }>>();
  private readonly failures = new Map<string, { error: DailiesError; at: number }>();
  private log: Logger = () => undefined;
  private metrics?: MetricsStore;

  constructor(
    private readonly redis: Redis,
    private readonly shared: SharedStore,
    private config: DailiesConfig,
    private readonly lockTtlMs = 60_000,
  ) {}

  attach(deps: { log: Logger; metrics: MetricsStore }): void {
    this.log = deps.log;
    this.metrics = deps.metrics;
  }

  configure(config: DailiesConfig): void {
    this.config = config;
  }

  async prewarm(
    groups: { provider: Provider; shots: PlannedShot[] }[],
    signal: AbortSignal,
    onProgress: (p: {
      done: number;
      total: number;
      uploaded: number;
      cached: number;
      revalidated: number;
    }) => void,
  ): Promise<PrewarmStats> {
    const work: { provider: Provider; ref: RefInput }[] = [];
    for (const { provider, shots } of groups) {
      const seen = new Set<string>();
      for (const ref of shots.flatMap((s) => s.refs)) {
        if (ref.url || seen.has(ref.sha256)) continue;
        seen.add(ref.sha256);
        work.push({ provider, ref });
      }
    }
    const stats: PrewarmStats = { new: 0, cached: 0, revalidated: 0, failed: 0 };
    let done = 0;
    const report = () =>
      onProgress({
        done,
        total: work.length,
        uploaded: stats.new,
        cached: stats.cached,
        revalidated: stats.revalidated,
      });
    report();
    await mapLimit(work, 8, async ({ provider, ref }) => {
      try {
        stats[(await this.urlFor(provider, ref, signal)).how]++;
      } catch (err) {
        if (toDailiesError(err).code === 'canceled') throw err;
        stats.failed++;
        this.log('error', 'UPLOAD', `${label(ref)}: ${toDailiesError(err).message}`);
      }
      done++;
      report();
    });
    return stats;
  }

  async ensureRefs(provider: Provider, job: PlannedJob, signal: AbortSignal): Promise<void> {
    for (const ref of job.request.refs) {
      const url = ref.url ?? (await this.urlFor(provider, ref, signal)).url;
      job.request.refUrls.set(ref.sha256, url);
    }
  }

  private urlFor(provider: Provider, ref: RefInput, signal: AbortSignal): Promise<{ url: string; how: How }> {
    const id = `${provider.id}:${ref.sha256}`;
    const failed = this.failures.get(id);
    if (failed && Date.now() - failed.at < FAILURE_MEMORY_MS)
      return Promise.reject(
        new DailiesError(
          failed.error.code,
          `Reference ${label(ref)} could not be uploaded: ${failed.error.message}`,
        ),
      );
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.resolve(provider, ref, id, signal)
        .catch((err: unknown) => {
          const error = toDailiesError(err);
          if (error.code !== 'canceled') this.failures.set(id, { error, at: Date.now() });
          throw error;
        })
        .finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  private async resolve(provider: Provider, ref: RefInput, id: string, signal: AbortSignal) {
    const lockKey = keys.uploadLock(provider.id, ref.sha256);
    const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
    for (;;) {
      const started = Date.now();
      const known = await this.entry(id, provider);
      if (known && !this.isExpired(known.entry, provider)) {
        if (this.trusted.has(id)) return this.found(provider, known.entry.url, 'cached', started);
        if (await this.stillServed(provider, known.entry.url, signal)) {
          this.trusted.add(id);
          return this.found(provider, known.entry.url, 'revalidated', started);
        }
        // Gone at the provider: drop exactly that entry (a newer one made meanwhile stays).
        await this.redis.eval(FORGET, 1, keys.uploads, id, known.text);
      }
      if ((await this.redis.set(lockKey, token, 'PX', this.lockTtlMs, 'NX')) !== 'OK') {
        await sleep(150, signal); // another machine is uploading it: wait for its entry
        continue;
      }
      try {
        const again = await this.entry(id, provider);
        if (again && !this.isExpired(again.entry, provider) && again.text !== known?.text) continue;
        const url = await this.upload(provider, ref, id, signal);
        return { url, how: 'new' as const };
      } finally {
        await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
      }
    }
  }

  private found(provider: Provider, url: string, how: How, started: number) {
    this.metrics?.recordUpload(provider.id, how, how === 'revalidated' ? Date.now() - started : undefined);
    return { url, how };
  }

  /**
   * The team's entry for a ref, when its URL is on the provider's own file hosts (or its base URL). The
   * index is a shared place: an entry elsewhere is never probed (a Replicate probe carries the token) nor
   * sent to a model; it is ignored, and the ref uploaded again over it.
   */
  private async entry(
    id: string,
    provider: Provider,
  ): Promise<{ text: string; entry: UploadEntry } | undefined> {
    const text = await this.redis.hget(keys.uploads, id);
    const entry = text === null ? undefined : parseEntry(text);
    if (!entry || text === null) return undefined;
    const base = this.config.baseUrls[provider.id as 'fal' | 'replicate'];
    if (!isProviderFileUrl(provider.id, entry.url, base)) {
      this.log('warn', 'CACHE', `ignored a team upload entry on a foreign host: ${hostOfUrl(entry.url)}`);
      return undefined;
    }
    return { text, entry };
  }

  private async stillServed(provider: Provider, url: string, signal: AbortSignal): Promise<boolean> {
    if (!provider.validateUpload) return true;
    try {
      return await provider.validateUpload(url, signal);
    } catch (err) {
      if (toDailiesError(err).code === 'canceled') throw err;
      return false; // cannot tell: uploading again is the safe side of the bet
    }
  }

  private async upload(provider: Provider, ref: RefInput, id: string, signal: AbortSignal): Promise<string> {
    if (!provider.upload) throw new DailiesError('internal', `${provider.id} cannot upload ${label(ref)}`);
    const started = Date.now();
    const original = ref.abs ? await fs.readFile(ref.abs) : await this.shared.get(ref.sha256, REF_EXT);
    if (!original)
      throw new DailiesError(
        'ref-missing',
        `Reference ${label(ref)} is not in the team's shared store ${this.shared.label}`,
      );
    let image: Awaited<ReturnType<typeof prescale>>;
    try {
      image = await prescale(original, this.config.prescale);
    } catch (err) {
      throw new DailiesError('ref-not-image', `Reference ${label(ref)} ${toDailiesError(err).message}`);
    }
    const ext = image.mime === 'image/jpeg' ? 'jpg' : image.mime === 'image/webp' ? 'webp' : 'png';
    const file = { bytes: image.bytes, mime: image.mime, name: `${ref.sha256.slice(0, 16)}.${ext}` };
    const upload = provider.upload.bind(provider);
    const result = await withRetry(() => upload(file, signal), this.config.retry, { signal });
    const uploadedAt = Date.now();
    const ttl = this.config.uploadTtlMs[provider.id as 'fal' | 'replicate'] ?? 3600_000;
    const entry: UploadEntry = {
      url: result.url,
      uploadedAt,
      // The provider's stated expiry, or the user's TTL (dailies.uploadTtlHours.*) if that is sooner.
      expiresAt: Math.min(result.expiresAt ?? Number.POSITIVE_INFINITY, uploadedAt + ttl),
    };
    await this.redis.hset(keys.uploads, id, JSON.stringify(entry));
    this.trusted.add(id);
    this.failures.delete(id);
    this.metrics?.recordUpload(provider.id, 'new', uploadedAt - started);
    this.log('info', 'UPLOAD', `${label(ref)} → ${provider.id} (shared with the team)`);
    return result.url;
  }

  /** A URL must outlive the render that uses it: a margin of a tenth of the TTL (at most an hour). */
  private isExpired(entry: UploadEntry, provider: Provider): boolean {
    const ttl = this.config.uploadTtlMs[provider.id as 'fal' | 'replicate'] ?? 3600_000;
    return entry.expiresAt - Math.min(3600_000, ttl / 10) <= Date.now();
  }
}

function parseEntry(text: string): UploadEntry | undefined {
  try {
    const v = JSON.parse(text) as Partial<UploadEntry>;
    // Whose host the URL is on is checked where the provider is known (SharedUploads.entry).
    if (typeof v.url === 'string' && typeof v.expiresAt === 'number')
      return { url: v.url, uploadedAt: v.uploadedAt ?? 0, expiresAt: v.expiresAt };
  } catch {
    // not ours
  }
  return undefined;
}

function label(ref: RefInput): string {
  const name = ref.rel ?? ref.url ?? ref.sha256.slice(0, 12);
  return ref.source ? `${ref.source} (${name})` : name;
}
