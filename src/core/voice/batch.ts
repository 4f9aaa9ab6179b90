// The scratch voice's part in a render batch: its lines are planned with the pictures (so one spend
// confirmation prices both) and spoken after them. A voice that cannot render costs the voice, never the
// pictures: its lines stay subtitles.
import type { BatchSummary } from '../../shared/events';
import type { Project } from '../project/schema';
import type { ModelRegistry } from '../providers/registry';
import type { Provider, ProviderId } from '../providers/types';
import type { JobRunner } from '../render/jobRunner';
import type { JobEventSink } from '../render/jobTypes';
import type { PlannedShot } from '../render/plan';
import { toDailiesError } from '../util/errors';
import { planVoice } from './plan';
import { renderVoice } from './render';

/** The batch's dialogue lines on the project's TTS model (none offline, or without that provider's key). */
export function batchVoice(
  project: Project,
  registry: ModelRegistry,
  shotIds: string[] | undefined,
  providers: Partial<Record<ProviderId, Provider>>,
  unavailable: Partial<Record<ProviderId, string>> | undefined,
  log: JobEventSink['log'],
): PlannedShot[] {
  let voice: PlannedShot[];
  try {
    voice = planVoice(project, registry, shotIds);
  } catch (err) {
    // A bad voice model costs the voice, not the pictures (the validator warns about it too).
    log('warn', 'RENDER', `scratch voice: ${toDailiesError(err).message}; lines stay subtitles`);
    return [];
  }
  const provider = voice[0]?.spec?.model.provider;
  if (provider && !providers[provider]) {
    log(
      'info',
      'RENDER',
      `scratch voice: ${unavailable?.[provider] ?? `${provider} is not available`}; lines stay subtitles`,
    );
    return [];
  }
  return voice;
}

/** Speaks the batch's lines; their jobs send no job events (lines are not variations of a shot). */
export async function speakBatch(
  runner: JobRunner,
  voice: PlannedShot[],
  batchId: string,
  signal: AbortSignal,
  force: boolean,
  summary: BatchSummary,
  log: JobEventSink['log'],
): Promise<void> {
  const quiet = runner.withSink({ job: () => undefined, log });
  await renderVoice(quiet, voice, batchId, signal, force, summary, (level, message) =>
    log(level, level === 'error' ? 'ERROR' : 'RENDER', message),
  );
}
