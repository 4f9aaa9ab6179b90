// The batch's first stage: every ref the stale shots need is uploaded (or found still valid) at once,
// grouped by provider, before any job takes a render slot.
import type { LogTag } from '../../shared/events';
import type { MetricsStore } from '../metrics/metricsStore';
import type { Provider, ProviderId } from '../providers/types';
import type { RefUploader } from './jobRunner';
import type { PlannedShot } from './plan';

export interface PrewarmStats {
  new: number;
  cached: number;
  revalidated: number;
  failed: number;
}

/** Pre-warms every ref a batch needs before its first job; implemented by the upload cache. */
export interface BatchUploader extends RefUploader {
  /** Gives the uploader the engine's log and metrics. */
  attach?(deps: {
    log: (level: 'debug' | 'info' | 'warn' | 'error', tag: LogTag, message: string) => void;
    metrics: MetricsStore;
  }): void;
  prewarm(
    jobs: { provider: Provider; shots: PlannedShot[] }[],
    signal: AbortSignal,
    onProgress: (p: {
      done: number;
      total: number;
      uploaded: number;
      cached: number;
      revalidated: number;
    }) => void,
  ): Promise<PrewarmStats>;
}

export type PrewarmProgress = Parameters<BatchUploader['prewarm']>[2];

export async function runPrewarm(
  uploader: BatchUploader | undefined,
  providers: Partial<Record<ProviderId, Provider>>,
  work: PlannedShot[],
  signal: AbortSignal,
  onProgress: PrewarmProgress,
): Promise<PrewarmStats> {
  const none: PrewarmStats = { new: 0, cached: 0, revalidated: 0, failed: 0 };
  if (!uploader) return none;
  const byProvider = new Map<Provider, PlannedShot[]>();
  for (const s of work) {
    const provider = s.spec ? providers[s.spec.model.provider] : undefined;
    if (!provider?.needsUploads || s.refs.every((r) => r.url)) continue;
    const group = byProvider.get(provider);
    if (group) group.push(s);
    else byProvider.set(provider, [s]);
  }
  if (byProvider.size === 0) return none;
  return uploader.prewarm(
    [...byProvider].map(([provider, shots]) => ({ provider, shots })),
    signal,
    onProgress,
  );
}
