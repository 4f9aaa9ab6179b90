// One abort controller per (shot, batch), so "cancel this shot" stops its queued and running variations
// in every batch that has it, while the rest of each batch goes on.
import { setMaxListeners } from 'node:events';

type ShotController = AbortController & { batchId: string };

export class ShotControllers {
  private readonly byShot = new Map<string, Set<ShotController>>();

  /** A controller for one shot of one batch, aborted with the batch. */
  open(shotId: string, batchId: string, parent: AbortSignal): AbortController {
    const controller: ShotController = Object.assign(new AbortController(), { batchId });
    setMaxListeners(0, controller.signal);
    if (parent.aborted) controller.abort();
    else parent.addEventListener('abort', () => controller.abort(), { once: true });
    let set = this.byShot.get(shotId);
    if (!set) {
      set = new Set();
      this.byShot.set(shotId, set);
    }
    set.add(controller);
    return controller;
  }

  close(shotId: string, controller: AbortController): void {
    this.byShot.get(shotId)?.delete(controller as ShotController);
  }

  /** Aborts every controller of the shot; false when none is running. */
  cancel(shotId: string): boolean {
    const set = this.byShot.get(shotId);
    if (!set || set.size === 0) return false;
    for (const c of set) c.abort();
    return true;
  }

  /** Forgets whatever a finished batch left behind. */
  dropBatch(batchId: string): void {
    for (const [shotId, set] of this.byShot) {
      for (const c of set) if (c.batchId === batchId) set.delete(c);
      if (set.size === 0) this.byShot.delete(shotId);
    }
  }
}
