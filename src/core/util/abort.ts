import { canceled } from './errors';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw canceled();
}

/** A sleep that ends early (rejecting) when the signal aborts, and never keeps a process alive alone. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceled());
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(canceled());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const SOURCES = Symbol('dailies.anySignal.sources');

/**
 * AbortSignal.any() that keeps its sources alive as long as the combined signal is. Node 20 holds the
 * sources of AbortSignal.any() weakly and an AbortSignal.timeout() only through its timer's weak
 * reference, so a timeout combined this way could be garbage-collected and never fire.
 */
export function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal {
  const sources = signals.filter((s): s is AbortSignal => s !== undefined);
  const combined = AbortSignal.any(sources);
  Object.defineProperty(combined, SOURCES, { value: sources });
  return combined;
}
