// Same inputs → same output without a provider call. A TTL + LRU map in memory answers repeated lookups
// within a session; one small JSON file per key under .dailies/results answers across restarts (no index
// to rewrite, so 100k entries cost nothing to add). Entries whose stored bytes are gone or no longer match
// their hash are misses, and are forgotten: the job renders (or fetches) again instead of serving garbage.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import { readStateFile } from '../util/contained';
import type { ObjectStore } from './contentStore';
import { isRecord } from './jsonFile';

export interface CachedResult {
  key: string;
  sha256: string;
  ext: string;
  width: number;
  height: number;
  provider: string;
  model: string;
  seed: number;
  createdAt: number;
  /** Sha of the stored WebP thumbnail, so a hit needs no image decode at all. */
  thumbSha256?: string;
  /** A video take: `sha256`/`ext` above are its poster frame; these are the clip and its review proxy. */
  video?: CachedVideo;
  /** A spoken line (scratch voice): `sha256`/`ext` are the audio itself, proved by decoding it. */
  audio?: { seconds: number };
}

export interface CachedVideo {
  sha256: string;
  ext: string;
  proxySha256: string;
  seconds: number;
  frames: number;
  fps?: number;
  width: number;
  height: number;
  codec: string;
}

export interface ResultCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

/** Results by variation key: this cache, or one layered over a team's shared index (src/core/team). */
export interface ResultStore {
  get(key: string): Promise<CachedResult | undefined>;
  /** Whether a lookup would hit, without counting it as one (estimates). */
  peek(key: string): Promise<boolean>;
  put(value: CachedResult): Promise<void>;
}

export class ResultCache implements ResultStore {
  private memory = new Map<string, { value: CachedResult; expiresAt: number }>();
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly dir: string,
    private readonly store: Pick<ObjectStore, 'verify'>,
    private readonly options: ResultCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResult | undefined> {
    const mem = this.memory.get(key);
    const value = mem && mem.expiresAt > this.now() ? mem.value : await this.readDisk(key);
    if (value && (await this.intact(value))) {
      this.remember(value);
      this.hits++;
      return value;
    }
    this.memory.delete(key);
    this.misses++;
    return undefined;
  }

  /** Whether a lookup would hit, without counting it as one (estimates). Verifies the bytes too. */
  async peek(key: string): Promise<boolean> {
    const mem = this.memory.get(key);
    const value = mem && mem.expiresAt > this.now() ? mem.value : await this.readDisk(key);
    return value !== undefined && (await this.intact(value));
  }

  async put(value: CachedResult): Promise<void> {
    this.remember(value);
    await writeFileAtomic(this.fileOf(value.key), JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.memory.delete(key);
    await fs.rm(this.fileOf(key), { force: true });
  }

  get memorySize(): number {
    return this.memory.size;
  }

  /** The stored image is there and hashes right; an entry whose image was dropped is forgotten. */
  private async intact(value: CachedResult): Promise<boolean> {
    const video = value.video;
    // A video take is whole when its poster and its clip are (a lost proxy is made again from the clip).
    const clip = !video || (isCachedVideo(video) && (await this.store.verify(video.sha256, video.ext)));
    if (clip && (await this.store.verify(value.sha256, value.ext))) return true;
    await this.delete(value.key);
    return false;
  }

  private remember(value: CachedResult): void {
    this.memory.delete(value.key);
    this.memory.set(value.key, { value, expiresAt: this.now() + this.options.ttlMs });
    while (this.memory.size > this.options.maxEntries) {
      const oldest = this.memory.keys().next().value;
      if (oldest === undefined) break;
      this.memory.delete(oldest);
    }
  }

  private async readDisk(key: string): Promise<CachedResult | undefined> {
    try {
      const bytes = await readStateFile(this.fileOf(key));
      if (!bytes) return undefined;
      const v: unknown = JSON.parse(bytes.toString('utf8'));
      return isCachedResult(v) && v.key === key ? v : undefined;
    } catch {
      return undefined;
    }
  }
}

function isCachedVideo(v: unknown): v is CachedVideo {
  return (
    isRecord(v) &&
    typeof v.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(v.sha256) &&
    typeof v.ext === 'string' &&
    /^[a-z0-9]{1,5}$/.test(v.ext) &&
    typeof v.proxySha256 === 'string' &&
    typeof v.seconds === 'number' &&
    typeof v.frames === 'number'
  );
}

function isCachedResult(v: unknown): v is CachedResult {
  return (
    isRecord(v) &&
    typeof v.key === 'string' &&
    typeof v.sha256 === 'string' &&
    typeof v.ext === 'string' &&
    typeof v.width === 'number' &&
    typeof v.height === 'number'
  );
}
