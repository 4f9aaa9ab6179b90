// Whether a recorded output is still a file on disk: one stat per output on every verifying plan, so
// 20,000 of them are most of a no-op re-run. On a local disk a stat takes microseconds, and sending each
// through the thread pool costs the thread several times that in hand-offs and wake-ups: there they
// are blocking calls (the plan yields between time slices). On a slow disk or a network share a stat
// can take a millisecond: once they are that slow, they go back to the thread pool, several at a time.
import * as fs from 'node:fs';

/** A stat that takes longer than this is slow… */
export const SLOW_STAT_MS = 0.2;
/** …and when most of a sample of this many blocking stats are slow, the rest go to the thread pool (by
 * count, not by average: the thread being descheduled once on a busy machine makes one stat slow). */
export const STAT_SAMPLE = 32;

export interface StatFunctions {
  statSync(file: string): fs.Stats | undefined;
  stat(file: string, done: (err: NodeJS.ErrnoException | null, stats?: fs.Stats) => void): void;
  now(): number;
}

const NODE: StatFunctions = {
  statSync: (file) => fs.statSync(file, { throwIfNoEntry: false }),
  stat: (file, done) => fs.stat(file, done),
  now: () => performance.now(),
};

export class OutputCheck {
  private slow = false;
  private timed = 0;
  private slowOnes = 0;

  constructor(private readonly io: StatFunctions = NODE) {}

  /** True when `abs` is a regular file (links followed); a synchronous answer while stats are fast. */
  isFile(abs: string): boolean | Promise<boolean> {
    if (this.slow)
      return new Promise((resolve) => this.io.stat(abs, (err, s) => resolve(!err && s?.isFile() === true)));
    const started = this.io.now();
    let ok: boolean;
    try {
      ok = this.io.statSync(abs)?.isFile() === true;
    } catch {
      ok = false;
    }
    if (this.io.now() - started > SLOW_STAT_MS) this.slowOnes++;
    if (++this.timed >= STAT_SAMPLE) {
      this.slow = this.slowOnes > STAT_SAMPLE / 2;
      this.timed = 0;
      this.slowOnes = 0;
    }
    return ok;
  }
}
