// One resolved configuration for the engine, built from layers in one documented order, the same in the
// CLI and in VS Code: built-in defaults < the project's own `limits` < what the user set (VS Code settings
// the user actually set, or CLI flags) < environment variables (a render box's last word). `configFor`
// is the only place that order is written down.
import type { ModelClass, Project, ProviderId } from './project/schema';
import { DRAFT_MODEL_ID } from './providers/registry';

export interface DailiesConfig {
  /** Render every shot with this provider (e.g. `draft` for offline previs of a cloud project). */
  providerOverride?: ProviderId;
  defaultModel: string;
  limits: Record<ModelClass, number>;
  /** API requests per second per provider, polls included (Replicate allows 3000/min on most endpoints). */
  ratePerSecond: Record<ProviderId, number>;
  /** Run a shot's variations side by side (true) or one after another (false). */
  parallelVariations: boolean;
  retry: { attempts: number; baseMs: number; maxMs: number };
  thumbnails: { size: number; quality: number };
  prescale: { maxPixels: number; maxSide: number };
  uploadTtlMs: { fal: number; replicate: number };
  baseUrls: { fal?: string; replicate?: string };
  /**
   * requestMs: one API call, answer included; idleMs: the longest silence from a server (API call or
   * download) before giving up; downloadMs: one output download.
   */
  timeouts: { requestMs: number; idleMs: number; downloadMs: number; generationMs: number };
  draft: { latencyMs: number; jitterMs?: number; steps?: number };
  resultCache: { ttlMs: number; maxEntries: number };
  /** Output downloads: the byte cap of one file, and how many stream to disk at once. */
  downloads: { maxBytes: number; concurrency: number };
  /** sharp jobs in flight; libvips' own threads are set to 1 (see media/sharpSetup.ts). */
  mediaConcurrency: number;
  /** Provider status poll interval. */
  pollMs: number;
  /** ffmpeg for video outputs and draft videos (absolute); else DAILIES_FFMPEG, else the bundled one. */
  ffmpegPath?: string;
  /** Where `providerOverride` and `defaultModel` came from, in the user's words (for messages). */
  origin: { providerOverride?: Origin; defaultModel?: Origin };
}

/** Who set a value and how the user changes it, e.g. "the setting dailies.defaultProvider". */
export interface Origin {
  by: string;
  /** An imperative that the message completes, e.g. `set dailies.defaultModel to`. */
  change: string;
}

export const DEFAULT_CONFIG: DailiesConfig = {
  defaultModel: DRAFT_MODEL_ID,
  limits: { light: 8, heavy: 4, video: 2 },
  ratePerSecond: { draft: 1000, fal: 20, replicate: 40 },
  parallelVariations: true,
  retry: { attempts: 4, baseMs: 1000, maxMs: 60_000 },
  thumbnails: { size: 400, quality: 80 },
  prescale: { maxPixels: 2_000_000, maxSide: 2048 },
  // Replicate deletes uploaded files after 24 h; fal keeps uploads 7 days unless told otherwise.
  uploadTtlMs: { fal: 7 * 24 * 3600_000, replicate: 24 * 3600_000 },
  baseUrls: {},
  timeouts: { requestMs: 60_000, idleMs: 30_000, downloadMs: 10 * 60_000, generationMs: 30 * 60_000 },
  draft: { latencyMs: 0 },
  resultCache: { ttlMs: 3600_000, maxEntries: 5000 },
  downloads: { maxBytes: 200 * 1024 * 1024, concurrency: 4 },
  mediaConcurrency: 2,
  pollMs: 500,
  origin: {},
};

export type ConfigLayer = DeepPartial<DailiesConfig>;
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function resolveConfig(...layers: (ConfigLayer | undefined)[]): DailiesConfig {
  let out: DailiesConfig = structuredClone(DEFAULT_CONFIG);
  for (const layer of layers) if (layer) out = merge(out, layer) as DailiesConfig;
  return out;
}

function merge(base: unknown, layer: unknown): unknown {
  if (layer === undefined) return base;
  if (!isPlain(base) || !isPlain(layer)) return layer;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = merge(base[k], v);
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Who the user-set layer comes from: VS Code settings or CLI flags (only the wording differs). */
export type HostKind = 'settings' | 'cli';

/**
 * A production's configuration: defaults < project < user (settings or flags) < env. `host` must hold
 * only values the user set (in VS Code: `inspect()`, never a default), or it would hide the project's.
 */
export function configFor(input: {
  project?: Project;
  host: ConfigLayer;
  hostKind: HostKind;
  env: ConfigLayer;
}): DailiesConfig {
  const { project, host, hostKind, env } = input;
  const config = resolveConfig(project ? projectLayer(project) : undefined, host, env);
  const settings = hostKind === 'settings';
  const provider: Origin | undefined = env.providerOverride
    ? { by: 'the environment variable DAILIES_PROVIDER', change: 'unset DAILIES_PROVIDER' }
    : host.providerOverride
      ? settings
        ? { by: 'the setting dailies.defaultProvider', change: 'set dailies.defaultProvider to "auto"' }
        : { by: 'the --provider flag', change: 'drop --provider' }
      : undefined;
  const model: Origin = env.defaultModel
    ? { by: 'the environment variable DAILIES_MODEL', change: 'set DAILIES_MODEL to' }
    : host.defaultModel && settings
      ? { by: 'the setting dailies.defaultModel', change: 'set dailies.defaultModel to' }
      : {
          by: 'the built-in default model',
          change: settings ? 'set dailies.defaultModel to' : 'set DAILIES_MODEL to',
        };
  config.origin = { providerOverride: provider, defaultModel: model };
  return config;
}

export function projectLayer(project: Project): ConfigLayer {
  return project.limits ? { limits: { ...project.limits } } : {};
}

const PROVIDERS: readonly ProviderId[] = ['draft', 'fal', 'replicate'];

/** Reads `DAILIES_*` variables; malformed numbers are ignored rather than turned into NaN limits. */
export function envLayer(env: NodeJS.ProcessEnv = process.env): ConfigLayer {
  const int = (name: string, min = 0) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= min ? Math.floor(n) : undefined;
  };
  const provider = env.DAILIES_PROVIDER as ProviderId | undefined;
  return {
    providerOverride: provider && PROVIDERS.includes(provider) ? provider : undefined,
    defaultModel: env.DAILIES_MODEL || undefined,
    limits: {
      light: int('DAILIES_LIMIT_LIGHT', 1),
      heavy: int('DAILIES_LIMIT_HEAVY', 1),
      video: int('DAILIES_LIMIT_VIDEO', 1),
    },
    ratePerSecond: { fal: int('DAILIES_RATE_FAL', 1), replicate: int('DAILIES_RATE_REPLICATE', 1) },
    baseUrls: { fal: env.DAILIES_FAL_URL || undefined, replicate: env.DAILIES_REPLICATE_URL || undefined },
    draft: { latencyMs: int('DAILIES_DRAFT_LATENCY_MS'), steps: int('DAILIES_DRAFT_STEPS', 1) },
    thumbnails: { size: int('DAILIES_THUMB_SIZE', 16), quality: int('DAILIES_THUMB_QUALITY', 1) },
    pollMs: int('DAILIES_POLL_MS', 10),
    downloads: { concurrency: int('DAILIES_DOWNLOADS', 1) },
  };
}
