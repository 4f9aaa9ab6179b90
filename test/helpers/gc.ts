// Node's garbage collector on demand, without --expose-gc on the command line (the test runner starts
// each file itself): some timeout bugs only show when a collection runs while a request is stuck.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose_gc');
const collect = runInNewContext('gc') as () => void;

/** Collects garbage every `everyMs` until the returned stop function is called. */
export function collectGarbageEvery(everyMs: number): () => void {
  const timer = setInterval(() => collect(), everyMs);
  return () => clearInterval(timer);
}

/** One full collection now, twice around a macrotask so finalizers and weak references settle. */
export async function collectGarbage(): Promise<void> {
  collect();
  await new Promise((r) => setImmediate(r));
  collect();
}
