// Checks a planned batch passes before anything is called: settings that contradict the project refuse it
// whole, and work on an available cloud provider needs the spend confirmed (see RenderEngine.render).
import type { Provider, ProviderId } from '../providers/types';
import { DailiesError } from '../util/errors';
import type { Estimate } from './estimate';
import type { PlannedShot } from './plan';

/**
 * Settings that contradict the project (a provider override a shot's model cannot go to) refuse the whole
 * batch before any call: every affected shot would fail the same way, and the fix is one setting.
 */
export function refuseConflicts(shots: PlannedShot[]): void {
  const conflicts = shots.filter((s) => s.error?.code === 'config');
  const first = conflicts[0]?.error;
  if (!first) return;
  const more = conflicts.length - 1;
  throw new DailiesError(
    'config',
    more ? `${first.message} (${more} more shot${more > 1 ? 's' : ''} likewise.)` : first.message,
  );
}

/**
 * Whether some of this work would run on a cloud provider that exists (has its key): money may go. On the
 * team's farm the keys are the workers', not this machine's: any cloud work there spends.
 */
export function spendsInCloud(
  work: PlannedShot[],
  providers: Partial<Record<ProviderId, Provider>>,
  farm = false,
): boolean {
  return work.some(
    (s) => s.spec && s.spec.model.provider !== 'draft' && (farm || providers[s.spec.model.provider]),
  );
}

/** What a batch is about to spend, asked before its first upload or submit (see `confirmSpend`). */
export interface SpendRequest {
  estimate: Estimate;
  force: boolean;
  shots?: string[];
}

/**
 * Asks `ask` (the engine's confirmSpend hook) when any of the work would run on an available cloud
 * provider; a "no" refuses the batch (`declined`) before anything is uploaded or submitted.
 */
export async function confirmSpend(
  ask: ((request: SpendRequest) => Promise<boolean>) | undefined,
  work: PlannedShot[],
  providers: Partial<Record<ProviderId, Provider>>,
  estimate: () => Promise<Estimate>,
  options: { force?: boolean; shots?: string[]; farm?: boolean },
): Promise<void> {
  if (!ask || !spendsInCloud(work, providers, options.farm)) return;
  if (!(await ask({ estimate: await estimate(), force: options.force ?? false, shots: options.shots }))) {
    throw new DailiesError('declined', 'Nothing was rendered: the estimated spend was not confirmed.');
  }
}
