// `dailies.*` settings → the user-set layer of `configFor` (core/config.ts), which orders every layer the
// same way as the CLI: built-in defaults < the project's `limits` < settings the user set < environment.
// Only values someone set are read (`inspect()`): a built-in default here would hide the project's own.
//
// Trust: settings that redirect traffic (base URLs) are machine-scoped and read from user settings only,
// so a workspace's .vscode/settings.json can never send a key elsewhere. Settings that spend money are
// machine-overridable (a trusted workspace may set them; Restricted Mode ignores its values), and a
// workspace may only lower the "don't ask below" threshold, never raise it.
import * as vscode from 'vscode';
import type { ConfigLayer } from '../core/config';
import type { ProviderId } from '../core/project/schema';
import type { Level } from './log';

export interface ExtensionSettings {
  /** Only values the user set; absent keys fall through to the project and the built-in defaults. */
  layer: ConfigLayer;
  logLevel: Level;
  renderOnSave: boolean;
  /** Cloud batches estimated below this start without asking; 0 asks every time. */
  confirmSpendAboveUsd: number;
  /** The team backend (machine-scoped settings; the environment's DAILIES_REDIS_URL / DAILIES_STORE win). */
  team: { redisUrl?: string; store?: string; farm: boolean; farmFallback: 'none' | 'local' };
}

const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];
const PROVIDERS: readonly string[] = ['auto', 'draft', 'fal', 'replicate'];

/** The part of `inspect()` that someone wrote: user, workspace and folder values (raw JSON). */
type Inspected<T> = { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined;

/** The most specific value someone set: folder > workspace > user. Never the default. */
function userSet<T>(i: Inspected<T>): unknown {
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

export function readSettings(scope?: vscode.Uri): ExtensionSettings {
  const c = vscode.workspace.getConfiguration('dailies', scope);
  const num = (key: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined => {
    const v = userSet(c.inspect<number>(key));
    return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : undefined;
  };
  const int = (key: string, min: number, max?: number) => {
    const v = num(key, min, max);
    return v === undefined ? undefined : Math.floor(v);
  };
  const bool = (key: string): boolean | undefined => {
    const v = userSet(c.inspect<boolean>(key));
    return typeof v === 'boolean' ? v : undefined;
  };
  // Base URLs: user (or remote machine) settings only, whatever a workspace file says.
  const url = (key: string): string | undefined => {
    const v = c.inspect<string>(key)?.globalValue;
    return typeof v === 'string' && /^https?:\/\/\S+$/i.test(v.trim()) ? v.trim() : undefined;
  };
  // The team backend: user (or remote machine) settings only, like base URLs — a workspace file must not
  // send this project's refs and renders to a Redis or store it names, nor choose where renders run.
  const machine = (key: string): string | undefined => {
    const v = c.inspect<string>(key)?.globalValue;
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const hours = (key: string) => {
    const h = num(key, 1);
    return h === undefined ? undefined : h * 3600_000;
  };
  const provider = userSet(c.inspect<string>('defaultProvider'));
  const model = userSet(c.inspect<string>('defaultModel'));
  const megapixels = num('prescale.maxMegapixels', 0.1, 50);
  const level = userSet(c.inspect<string>('logLevel'));
  return {
    layer: {
      providerOverride:
        typeof provider === 'string' && PROVIDERS.includes(provider) && provider !== 'auto'
          ? (provider as ProviderId)
          : undefined,
      defaultModel: typeof model === 'string' && model.trim() ? model.trim() : undefined,
      limits: {
        light: int('concurrency.light', 1, 64),
        heavy: int('concurrency.heavy', 1, 64),
        video: int('concurrency.video', 1, 64),
      },
      ratePerSecond: { fal: int('rateLimit.fal', 1, 1000), replicate: int('rateLimit.replicate', 1, 1000) },
      parallelVariations: bool('parallelVariations'),
      thumbnails: { size: int('thumbnails.size', 16, 2048), quality: int('thumbnails.quality', 1, 100) },
      prescale: {
        maxPixels: megapixels === undefined ? undefined : Math.round(megapixels * 1_000_000),
        maxSide: int('prescale.maxSide', 64, 16384),
      },
      uploadTtlMs: { fal: hours('uploadTtlHours.fal'), replicate: hours('uploadTtlHours.replicate') },
      baseUrls: { fal: url('baseUrl.fal'), replicate: url('baseUrl.replicate') },
      draft: { latencyMs: int('draft.latencyMs', 0, 600_000) },
      // Machine-scoped like the animatic's: video outputs and draft clips run the same ffmpeg.
      ffmpegPath: c.inspect<string>('ffmpegPath')?.globalValue?.trim() || undefined,
    },
    logLevel: typeof level === 'string' && LEVELS.includes(level as Level) ? (level as Level) : 'info',
    renderOnSave: bool('renderOnSave') ?? false,
    confirmSpendAboveUsd: threshold(c.inspect<number>('confirmSpendAboveUsd')),
    team: {
      redisUrl: process.env.DAILIES_REDIS_URL || machine('team.redisUrl'),
      store: process.env.DAILIES_STORE || machine('team.store'),
      farm: c.inspect<boolean>('team.farm')?.globalValue === true,
      farmFallback: machine('team.farmFallback') === 'local' ? 'local' : 'none',
    },
  };
}

/** The lowest threshold anyone set: a workspace can make Dailies ask more often, never less. */
function threshold(i: Inspected<number>): number {
  const set = [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  );
  return set.length ? Math.min(...set) : 0;
}
