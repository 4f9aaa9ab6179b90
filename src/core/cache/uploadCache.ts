// Each reference is uploaded once per provider per *content* (SHA-256 of the file's bytes), not per path
// or per shot. The URL is kept with its expiry in .dailies/uploads.json. A URL uploaded or checked in
// this process is trusted; one read from disk after a reload is re-validated first — all of a batch's
// in parallel — and re-uploaded transparently when it expired or answers 404/403.
import type { DailiesConfig } from '../config';
import type { MetricsStore } from '../metrics/metricsStore';
import type { ProjectPaths } from '../project/paths';
import { hostOfUrl, isProviderFileUrl } from '../providers/routes';
import type { Provider, ProviderId, RefInput } from '../providers/types';
import type { BatchUploader, PrewarmStats } from '../render/engine';
import type { UploadPeek } from '../render/estimate';
import type { PlannedJob, PlannedShot } from '../render/plan';
import { safeDestination } from '../util/contained';
import { DailiesError, toDailiesError } from '../util/errors';
import { sha256File } from '../util/hash';
import { withFileLock } from '../util/lock';
import { mapLimit } from '../util/mapLimit';
import { isRecord, readJsonFile, writeJsonFile } from './jsonFile';
import { label, type UploadLogger, uploadRef } from './refUpload';

export interface UploadEntry {
  provider: ProviderId;
  sha256: string;
  size: number;
  url: string;
  uploadedAt: number;
  /** Epoch ms; undefined when unknown (legacy imports), which forces a validation before use. */
  expiresAt?: number;
  /** Where it came from, for the log: our own upload or a legacy `fal_upload_cache` map. */
  source?: 'upload' | 'legacy';
}

const FILE_VERSION = 1;
const VALIDATE_CONCURRENCY = 16;
const UPLOAD_CONCURRENCY = 8;

export class UploadCache implements BatchUploader {
  private entries = new Map<string, UploadEntry>();
  /** Keys whose URL this process uploaded or validated; used without another check. */
  private trusted = new Set<string>();
  private inflight = new Map<string, Promise<UploadEntry>>();
  private failures = new Map<string, DailiesError>();
  private loaded?: Promise<void>;
  private dirty = false;
  private readonly now: () => number;
  private log: UploadLogger = () => undefined;
  private metrics?: MetricsStore;
  /** Counts of the current process, for batch summaries. */
  readonly stats = { new: 0, cached: 0, revalidated: 0 };

  constructor(
    private readonly paths: ProjectPaths,
    private config: DailiesConfig,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private get file(): string {
    return this.paths.data('uploads.json');
  }

  attach(deps: { log: UploadLogger; metrics: MetricsStore }): void {
    this.log = deps.log;
    this.metrics = deps.metrics;
  }

  configure(config: DailiesConfig): void {
    this.config = config;
  }

  load(): Promise<void> {
    this.loaded ??= (async () => {
      const { entries, foreign } = await this.readFile();
      for (const e of entries) this.entries.set(keyOf(e.provider, e.sha256), e);
      // Dropped unprobed (a Replicate probe carries the token, and a kept URL would go to the model): a
      // file in the project folder does not get to say where a key or a ref goes.
      const hosts = [...new Set(foreign.map((e) => hostOfUrl(e.url)))].join(', ');
      if (foreign.length)
        this.log('warn', 'CACHE', `ignored uploads.json entries on foreign hosts: ${hosts}`);
      this.dirty ||= foreign.length > 0;
    })();
    return this.loaded;
  }

  /** Forgets what this process validated, as if VS Code had reloaded (tests, and "Reload" flows). */
  forgetSession(): void {
    this.trusted.clear();
    this.failures.clear();
  }

  /** Imports a legacy `project.fal_upload_cache` (path → URL) map; bad entries are skipped, never fatal. */
  async importLegacy(map: Record<string, string> | undefined): Promise<number> {
    if (!map) return 0;
    await this.load();
    let imported = 0;
    for (const [ref, url] of Object.entries(map)) {
      try {
        if (typeof url !== 'string' || !isProviderFileUrl('fal', url, this.config.baseUrls.fal)) continue;
        const { abs } = this.paths.resolveFile(ref);
        const real = await this.paths.checkInside(abs, ref);
        const { sha256, size } = await sha256File(real);
        const key = keyOf('fal', sha256);
        if (this.entries.has(key)) continue;
        this.entries.set(key, { provider: 'fal', sha256, size, url, uploadedAt: 0, source: 'legacy' });
        this.dirty = true;
        imported++;
      } catch {
        // A legacy entry for a file that moved or never existed is simply not imported.
      }
    }
    if (imported)
      this.log(
        'info',
        'CACHE',
        `imported ${imported} legacy fal_upload_cache entr${imported === 1 ? 'y' : 'ies'}`,
      );
    return imported;
  }

  get(provider: ProviderId, sha256: string): UploadEntry | undefined {
    return this.entries.get(keyOf(provider, sha256));
  }

  /** Uploads/validates every ref a batch needs, all at once, before any job is submitted. */
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
    await this.load();
    const work: { provider: Provider; ref: RefInput }[] = [];
    for (const { provider, shots } of groups) {
      const seen = new Set<string>();
      for (const s of shots) {
        for (const ref of s.refs) {
          if (ref.url || seen.has(ref.sha256)) continue;
          seen.add(ref.sha256);
          work.push({ provider, ref });
        }
      }
    }
    const stats: PrewarmStats = { new: 0, cached: 0, revalidated: 0, failed: 0 };
    const total = work.length;
    let done = 0;
    const report = () =>
      onProgress({ done, total, uploaded: stats.new, cached: stats.cached, revalidated: stats.revalidated });
    this.log(
      'info',
      'PREWARM',
      `${total} distinct reference image(s) for ${groups.map((g) => g.provider.id).join(', ')}`,
    );
    report();

    // Phase 1: classify; validate every stale-but-maybe-alive URL in parallel (never one after another).
    const toUpload: { provider: Provider; ref: RefInput }[] = [];
    const toValidate: { provider: Provider; ref: RefInput; entry: UploadEntry }[] = [];
    for (const item of work) {
      const key = keyOf(item.provider.id, item.ref.sha256);
      const entry = this.entries.get(key);
      if (!entry) toUpload.push(item);
      else if (this.isExpired(entry)) {
        this.log('info', 'CACHE', `expired ${label(item.ref)} (${item.provider.id}); re-uploading`);
        toUpload.push(item);
      } else if (this.trusted.has(key)) {
        stats.cached++;
        this.metrics?.recordUpload(item.provider.id, 'cached');
        this.log('debug', 'CACHE', `hit ${label(item.ref)} (${item.provider.id})`);
        done++;
      } else toValidate.push({ ...item, entry });
    }
    report();
    await mapLimit(toValidate, VALIDATE_CONCURRENCY, async ({ provider, ref, entry }) => {
      const started = this.now();
      const ok = await this.validate(provider, entry, signal);
      if (ok) {
        stats.revalidated++;
        this.metrics?.recordUpload(provider.id, 'revalidated', this.now() - started);
        this.log('debug', 'CACHE', `hit ${label(ref)} (${provider.id}, revalidated)`);
        done++;
        report();
      } else {
        this.log('info', 'CACHE', `re-upload ${label(ref)} (${provider.id}: the stored URL is gone)`);
        toUpload.push({ provider, ref });
      }
    });
    await mapLimit(toUpload, UPLOAD_CONCURRENCY, async ({ provider, ref }) => {
      try {
        await this.upload(provider, ref, signal);
        stats.new++;
      } catch (err) {
        const e = toDailiesError(err);
        if (e.code === 'canceled') throw e;
        stats.failed++;
        this.failures.set(keyOf(provider.id, ref.sha256), e);
        this.log('error', 'UPLOAD', `${label(ref)}: ${e.message}`);
      }
      done++;
      report();
    });
    this.stats.new += stats.new;
    this.stats.cached += stats.cached;
    this.stats.revalidated += stats.revalidated;
    await this.save();
    this.log(
      'info',
      'PREWARM',
      `done: ${stats.new} uploaded, ${stats.cached} cached, ${stats.revalidated} revalidated${stats.failed ? `, ${stats.failed} failed` : ''}`,
    );
    return stats;
  }

  /** Called per job: fills its ref URLs (a no-op network-wise after a pre-warm). */
  async ensureRefs(provider: Provider, job: PlannedJob, signal: AbortSignal): Promise<void> {
    await this.load();
    for (const ref of job.request.refs) {
      if (ref.url) {
        job.request.refUrls.set(ref.sha256, ref.url);
        continue;
      }
      const key = keyOf(provider.id, ref.sha256);
      const failed = this.failures.get(key);
      if (failed)
        throw new DailiesError(
          failed.code,
          `Reference ${label(ref)} could not be uploaded: ${failed.message}`,
        );
      const entry = this.entries.get(key);
      let url: string;
      if (entry && this.trusted.has(key) && !this.isExpired(entry)) url = entry.url;
      else if (entry && !this.isExpired(entry) && (await this.validate(provider, entry, signal)))
        url = entry.url;
      else url = (await this.upload(provider, ref, signal)).url;
      job.request.refUrls.set(ref.sha256, url);
    }
    if (this.dirty) await this.save();
  }

  /** For estimates: distinct contents needed and how many have an unexpired cached URL. */
  peeker(providers: Partial<Record<ProviderId, Provider>>): UploadPeek {
    return {
      count: async (shots) => {
        await this.load();
        const keys = new Set<string>();
        for (const s of shots) {
          const provider = s.spec ? providers[s.spec.model.provider] : undefined;
          if (!provider?.needsUploads) continue;
          for (const r of s.refs) if (!r.url) keys.add(keyOf(provider.id, r.sha256));
        }
        let cached = 0;
        for (const k of keys) {
          const e = this.entries.get(k);
          if (e && !this.isExpired(e)) cached++;
        }
        return { needed: keys.size - cached, cached };
      },
    };
  }

  /** Merges with what another process (CLI vs extension) wrote meanwhile, under the file's lock. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    // The lock folder is made beside the file: its folder must exist, inside the project, first.
    await safeDestination(this.file);
    await withFileLock(this.file, async () => {
      for (const e of (await this.readFile()).entries) {
        const key = keyOf(e.provider, e.sha256);
        const mine = this.entries.get(key);
        if (!mine || mine.uploadedAt < e.uploadedAt) this.entries.set(key, e);
      }
      await writeJsonFile(this.file, { version: FILE_VERSION, entries: [...this.entries.values()] });
    });
  }

  private isExpired(entry: UploadEntry): boolean {
    if (entry.expiresAt === undefined) return false;
    // A URL must outlive the render that uses it; keep a margin of a tenth of the TTL (max 1 h).
    const ttl = this.config.uploadTtlMs[entry.provider as 'fal' | 'replicate'] ?? 3600_000;
    return entry.expiresAt - Math.min(3600_000, ttl / 10) <= this.now();
  }

  private async validate(provider: Provider, entry: UploadEntry, signal: AbortSignal): Promise<boolean> {
    const key = keyOf(provider.id, entry.sha256);
    if (!this.isOwnUrl(entry)) return false;
    if (!provider.validateUpload) return true;
    try {
      const ok = await provider.validateUpload(entry.url, signal);
      if (ok) this.trusted.add(key);
      return ok;
    } catch (err) {
      if (toDailiesError(err).code === 'canceled') throw err;
      // Could not tell (network trouble): uploading again is the safe side of the bet.
      return false;
    }
  }

  private upload(provider: Provider, ref: RefInput, signal: AbortSignal): Promise<UploadEntry> {
    const key = keyOf(provider.id, ref.sha256);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.doUpload(provider, ref, signal).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async doUpload(provider: Provider, ref: RefInput, signal: AbortSignal): Promise<UploadEntry> {
    const started = this.now();
    const { entry, scaled } = await uploadRef(
      provider,
      ref,
      { config: this.config, now: this.now, log: this.log },
      signal,
    );
    const key = keyOf(provider.id, ref.sha256);
    this.entries.set(key, entry);
    this.trusted.add(key);
    this.failures.delete(key);
    this.dirty = true;
    this.metrics?.recordUpload(provider.id, 'new', entry.uploadedAt - started);
    this.log('info', 'UPLOAD', `${label(ref)} → ${provider.id}${scaled ? ` (${scaled})` : ''}`);
    return entry;
  }

  private isOwnUrl(e: UploadEntry): boolean {
    return isProviderFileUrl(e.provider, e.url, this.config.baseUrls[e.provider as 'fal' | 'replicate']);
  }

  /** The file's entries, split into those on their provider's own hosts and the rest. */
  private async readFile(): Promise<{ entries: UploadEntry[]; foreign: UploadEntry[] }> {
    const data = await readJsonFile(
      this.file,
      { version: FILE_VERSION, entries: [] as unknown[] },
      isUploadFile,
    );
    const entries: UploadEntry[] = [];
    const foreign: UploadEntry[] = [];
    for (const e of data.entries.filter(isEntry)) (this.isOwnUrl(e) ? entries : foreign).push(e);
    return { entries, foreign };
  }
}

function keyOf(provider: string, sha256: string): string {
  return `${provider}:${sha256}`;
}

function isUploadFile(v: unknown): v is { version: number; entries: unknown[] } {
  return isRecord(v) && v.version === FILE_VERSION && Array.isArray(v.entries);
}

function isEntry(v: unknown): v is UploadEntry {
  return (
    isRecord(v) &&
    typeof v.provider === 'string' &&
    typeof v.sha256 === 'string' &&
    typeof v.url === 'string' &&
    typeof v.uploadedAt === 'number' &&
    (v.expiresAt === undefined || typeof v.expiresAt === 'number')
  );
}
