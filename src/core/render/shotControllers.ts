// One abort controller per (shot, batch), so "cancel this shot" stops its queued and running variations
// in every batch that has it, while the rest of each batch goes on. Shots still waiting for their turn
// (the batch feeds them a window at a time) have no controller yet: a cancel marks them, and they start
// already canceled.
import { setMaxListeners } from 'node:events';

/** `unchain` removes its listener from the batch signal: a finished shot must not stay on it. */
type ShotController = AbortController & { batchId: string; unchain?: () => void };

export class ShotControllers {
  private readonly byShot = new Map<string, Set<ShotController>>();
  /** `batchId shotId` of shots a batch will start later → whether they were canceled meanwhile. */
  private readonly waiting = new Map<string, boolean>();
  private readonly batches = new Set<string>();

  /** Registers the shots a batch will start (cancelable from now on). */
  expect(batchId: string, shotIds: Iterable<string>): void {
    this.batches.add(batchId);
    for (const id of shotIds) this.waiting.set(key(batchId, id), false);
  }

  /** A controller for one shot of one batch, aborted with the batch. */
  open(shotId: string, batchId: string, parent: AbortSignal): AbortController {
    const controller: ShotController = Object.assign(new AbortController(), { batchId });
    setMaxListeners(0, controller.signal);
    const k = key(batchId, shotId);
    const canceled = this.waiting.get(k) === true;
    this.waiting.delete(k);
    if (parent.aborted || canceled) controller.abort();
    else {
      const onAbort = () => controller.abort();
      parent.addEventListener('abort', onAbort, { once: true });
      controller.unchain = () => parent.removeEventListener('abort', onAbort);
    }
    let set = this.byShot.get(shotId);
    if (!set) {
      set = new Set();
      this.byShot.set(shotId, set);
    }
    set.add(controller);
    return controller;
  }

  close(shotId: string, controller: AbortController): void {
    (controller as ShotController).unchain?.();
    const set = this.byShot.get(shotId);
    set?.delete(controller as ShotController);
    if (set?.size === 0) this.byShot.delete(shotId);
  }

  /** Aborts every controller of the shot and marks it where it still waits; false when neither. */
  cancel(shotId: string): boolean {
    let any = false;
    for (const c of this.byShot.get(shotId) ?? []) {
      c.abort();
      any = true;
    }
    for (const batchId of this.batches) {
      const k = key(batchId, shotId);
      if (this.waiting.has(k)) {
        this.waiting.set(k, true);
        any = true;
      }
    }
    return any;
  }

  /** Forgets whatever a finished batch left behind. */
  dropBatch(batchId: string): void {
    this.batches.delete(batchId);
    for (const [shotId, set] of this.byShot) {
      for (const c of set) if (c.batchId === batchId) set.delete(c);
      if (set.size === 0) this.byShot.delete(shotId);
    }
    const prefix = key(batchId, '');
    for (const k of this.waiting.keys()) if (k.startsWith(prefix)) this.waiting.delete(k);
  }
}

function key(batchId: string, shotId: string): string {
  return `${batchId} ${shotId}`;
}
