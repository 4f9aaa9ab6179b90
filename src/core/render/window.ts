// Feeds a batch's shots to the render stage a window at a time. Started all at once, 20,000 shots would
// each hold a chain of pending promises, an abort listener, a cache lookup and a limiter waiter for the
// whole batch (hundreds of MB); the limiters only ever let a few run. Each group (one provider × model
// class, i.e. one limiter) keeps a little more than its limit in flight, so no slot ever waits for work.
import type { ModelClass } from '../project/schema';
import type { ProviderId } from '../providers/types';
import type { Scheduler } from './scheduler';

/** Shots of one limiter's group (`provider:class`) in flight: twice its limit (and a few). */
export function shotWindow(scheduler: Scheduler, group: string): number {
  const [provider, cls] = group.split(':') as [ProviderId, ModelClass];
  if (!provider || !cls) return 16;
  return scheduler.classLimiter(provider, cls).max * 2 + 4;
}

/** Runs `run` over `items` in order within each group, at most `windowOf(group)` of a group at a time. */
export function runWindowed<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  windowOf: (group: string) => number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return new Promise<void>((resolve, reject) => {
    let open = groups.size;
    let failed = false;
    if (open === 0) resolve();
    for (const [key, queue] of groups) {
      let next = 0;
      let inFlight = 0;
      const pump = (): void => {
        if (failed) return;
        // The window is read each time: a limit raised mid-batch is used at once.
        while (next < queue.length && inFlight < Math.max(1, windowOf(key))) {
          const item = queue[next]!;
          // Forget the item once taken, so a finished shot's plan can be collected.
          (queue as (T | undefined)[])[next++] = undefined;
          inFlight++;
          run(item).then(
            () => {
              inFlight--;
              pump();
            },
            (err: unknown) => {
              failed = true;
              reject(err);
            },
          );
        }
        if (next >= queue.length && inFlight === 0 && --open === 0) resolve();
      };
      pump();
    }
  });
}
