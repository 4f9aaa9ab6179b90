// Results by input hash for the whole team: `dailies:results` in Redis says which stored object is the
// output of a variation key, and the shared store holds its bytes (once). Any machine that asks for the
// same inputs gets that output without a provider call.
//   SharedResults — a worker's view: the index and the shared store, nothing kept locally.
//   TeamResults   — an artist's view: the project's own cache first (fast, works offline), then the team's;
//                   a team hit is copied into the project's store so renders/ can be written from it.
import type { Redis } from 'ioredis';
import type { ContentStore } from '../cache/contentStore';
import type { CachedResult, ResultCache, ResultStore } from '../cache/resultCache';
import { DailiesError } from '../util/errors';
import { keys } from './redis';
import type { SharedStore } from './sharedStore';

export class SharedResults implements ResultStore {
  constructor(
    private readonly redis: Redis,
    readonly shared: SharedStore,
  ) {}

  /** The index entry, whether or not its bytes are still in the store. */
  async lookup(key: string): Promise<CachedResult | undefined> {
    const text = await this.redis.hget(keys.results, key);
    return text === null ? undefined : parseResult(text, key);
  }

  async get(key: string): Promise<CachedResult | undefined> {
    const hit = await this.lookup(key);
    if (!hit || !(await this.shared.has(hit.sha256, hit.ext))) return undefined;
    return hit;
  }

  async peek(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /** The bytes must already be in the shared store: the index never points at nothing. */
  async put(value: CachedResult): Promise<void> {
    await this.redis.hset(keys.results, value.key, JSON.stringify(value));
  }
}

export class TeamResults implements ResultStore {
  constructor(
    readonly local: ResultCache,
    private readonly localStore: ContentStore,
    readonly team: SharedResults,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async get(key: string): Promise<CachedResult | undefined> {
    const mine = await this.local.get(key);
    if (mine) return mine;
    let theirs: CachedResult | undefined;
    try {
      theirs = await this.team.get(key);
    } catch (err) {
      // The team's index is out of reach: this project's own cache still answered above. Not knowing is a
      // miss here; the claim that follows (also in Redis) is what stops a second payment.
      this.log(`team result index not reachable: ${(err as Error).message}`);
      return undefined;
    }
    if (!theirs) return undefined;
    return (await this.adopt(theirs)) ? theirs : undefined;
  }

  async peek(key: string): Promise<boolean> {
    if (await this.local.peek(key)) return true;
    return this.team.peek(key).catch(() => false);
  }

  /** A new output of this machine: into the project's cache, then the team's store, then the index. */
  async put(value: CachedResult): Promise<void> {
    await this.local.put(value);
    for (const [digest, ext] of objectsOf(value)) {
      const data = await this.localStore.read(digest, ext);
      if (!data)
        throw new DailiesError(
          'bad-output',
          `${digest.slice(0, 12)}.${ext} is missing from this project's store`,
        );
      await this.team.shared.put(digest, ext, data);
    }
    await this.team.put(value);
  }

  /** Copies a team result (made on another machine) into this project's store and cache. */
  async adopt(value: CachedResult): Promise<boolean> {
    for (const [digest, ext] of objectsOf(value)) {
      if (await this.localStore.verify(digest, ext)) continue;
      const data = await this.team.shared.get(digest, ext);
      if (!data) return false;
      const stored = await this.localStore.put(data, ext);
      if (stored !== digest)
        throw new DailiesError(
          'bad-output',
          `${digest.slice(0, 12)}.${ext} from the shared store does not match its content hash; not used`,
        );
    }
    await this.local.put(value);
    return true;
  }
}

function objectsOf(value: CachedResult): [string, string][] {
  const out: [string, string][] = [[value.sha256, value.ext]];
  if (value.thumbSha256) out.push([value.thumbSha256, 'webp']);
  // A video take: its poster is `sha256` above; the clip and its review proxy travel with it.
  if (value.video) out.push([value.video.sha256, value.video.ext], [value.video.proxySha256, 'mp4']);
  return out;
}

export function parseResult(text: string, key?: string): CachedResult | undefined {
  try {
    const v = JSON.parse(text) as Partial<CachedResult>;
    if (
      typeof v.key === 'string' &&
      (key === undefined || v.key === key) &&
      typeof v.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(v.sha256) &&
      typeof v.ext === 'string' &&
      /^[a-z0-9]{1,8}$/.test(v.ext) &&
      typeof v.width === 'number' &&
      typeof v.height === 'number' &&
      (v.thumbSha256 === undefined || /^[0-9a-f]{64}$/.test(v.thumbSha256)) &&
      (v.video === undefined ||
        (typeof v.video === 'object' &&
          v.video !== null &&
          /^[0-9a-f]{64}$/.test(v.video.sha256) &&
          /^[0-9a-f]{64}$/.test(v.video.proxySha256) &&
          /^[a-z0-9]{1,8}$/.test(v.video.ext)))
    )
      return v as CachedResult;
  } catch {
    // not ours
  }
  return undefined;
}
