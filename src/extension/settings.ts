// `dailies.*` settings → an engine config layer. Settings sit between the project's own `limits` and
// the environment (a render box's variables still win).
import * as vscode from 'vscode';
import type { ConfigLayer } from '../core/config';
import type { ProviderId } from '../core/project/schema';
import type { Level } from './log';

export interface ExtensionSettings {
  layer: ConfigLayer;
  logLevel: Level;
  renderOnSave: boolean;
  /** The team backend (machine-scoped settings; the environment's DAILIES_REDIS_URL / DAILIES_STORE win). */
  team: { redisUrl?: string; store?: string; farm: boolean; farmFallback: 'none' | 'local' };
}

export function readSettings(scope?: vscode.Uri): ExtensionSettings {
  const c = vscode.workspace.getConfiguration('dailies', scope);
  const provider = c.get<string>('defaultProvider', 'auto');
  const hours = (key: string, fallback: number) => Math.max(1, c.get<number>(key, fallback)) * 3600_000;
  const url = (key: string) => c.get<string>(key, '').trim() || undefined;
  return {
    layer: {
      providerOverride: provider === 'auto' ? undefined : (provider as ProviderId),
      defaultModel: c.get<string>('defaultModel') || undefined,
      limits: {
        light: c.get<number>('concurrency.light'),
        heavy: c.get<number>('concurrency.heavy'),
        video: c.get<number>('concurrency.video'),
      },
      ratePerSecond: { fal: c.get<number>('rateLimit.fal'), replicate: c.get<number>('rateLimit.replicate') },
      parallelVariations: c.get<boolean>('parallelVariations'),
      thumbnails: { size: c.get<number>('thumbnails.size'), quality: c.get<number>('thumbnails.quality') },
      prescale: {
        maxPixels: Math.round(c.get<number>('prescale.maxMegapixels', 2) * 1_000_000),
        maxSide: c.get<number>('prescale.maxSide'),
      },
      uploadTtlMs: {
        fal: hours('uploadTtlHours.fal', 168),
        replicate: hours('uploadTtlHours.replicate', 24),
      },
      baseUrls: { fal: url('baseUrl.fal'), replicate: url('baseUrl.replicate') },
      draft: { latencyMs: c.get<number>('draft.latencyMs') },
    },
    logLevel: c.get<Level>('logLevel', 'info'),
    renderOnSave: c.get<boolean>('renderOnSave', false),
    team: {
      redisUrl: process.env.DAILIES_REDIS_URL || c.get<string>('team.redisUrl', '').trim() || undefined,
      store: process.env.DAILIES_STORE || c.get<string>('team.store', '').trim() || undefined,
      farm: c.get<boolean>('team.farm', false),
      farmFallback: c.get<string>('team.farmFallback', 'none') === 'local' ? 'local' : 'none',
    },
  };
}
