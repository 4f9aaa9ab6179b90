// Append-only record of every paid job's life in .dailies/journal.jsonl, so a crash, kill or VS Code
// reload never pays twice:
//   intent  — written *before* a submit leaves the process (a later run knows a submit may be out there)
//   submit  — the provider's request id, written the moment it arrives (the next run re-attaches to it)
//   output  — the result is in the content store and result cache (the next run takes it from there)
//   abandon — failed or canceled at the provider; nothing to re-attach to
// Every line is written with a synchronous write(): once it returns, the line is in the OS and survives
// the process being killed, where an asynchronous write could still sit in the thread pool. `intent` and
// `submit` are then fdatasync'ed in the background (against power loss) — never on the event loop, where
// a blocked loop would leave submit responses unread and widen the very window the journal closes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import { openStateFileForAppend } from '../util/contained';

export type JournalEntry =
  | {
      t: 'intent';
      key: string;
      shotId: string;
      variation: number;
      provider: string;
      model: string;
      at: number;
    }
  | {
      t: 'submit';
      key: string;
      shotId: string;
      variation: number;
      provider: string;
      model: string;
      requestId: string;
      at: number;
    }
  | { t: 'output'; key: string; sha256: string; at: number }
  | { t: 'abandon'; key: string; reason: string; at: number };

/** What an earlier run left unresolved for one job. */
export interface PendingJob {
  key: string;
  provider: string;
  model: string;
  shotId: string;
  variation: number;
  at: number;
  /** Known when the provider answered the submit; absent when the process died while it was in flight. */
  requestId?: string;
}

export class Journal {
  private fd: number | undefined;
  private pendingByKey = new Map<string, PendingJob>();
  private loaded = false;

  constructor(private readonly file: string) {}

  /** Reads what earlier runs left: jobs with an intent or submit but no output or abandon. */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let text = '';
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      if (entry.t === 'intent' || entry.t === 'submit') this.pendingByKey.set(entry.key, { ...entry });
      else this.pendingByKey.delete(entry.key);
    }
  }

  pending(key: string): PendingJob | undefined {
    return this.pendingByKey.get(key);
  }

  intent(job: Omit<PendingJob, 'at' | 'requestId'>): void {
    this.begin({ t: 'intent', ...job, at: Date.now() });
  }

  submitted(job: Omit<PendingJob, 'at'> & { requestId: string }): void {
    this.begin({ t: 'submit', ...job, at: Date.now() });
  }

  /** Both lines mark a job that may be billed: synced before the provider call they precede. */
  private begin(entry: Extract<JournalEntry, { t: 'intent' | 'submit' }>): void {
    this.pendingByKey.set(entry.key, { ...entry });
    this.appendSync(entry, true);
  }

  output(key: string, sha256: string): void {
    this.pendingByKey.delete(key);
    this.appendSync({ t: 'output', key, sha256, at: Date.now() }, false);
  }

  abandon(key: string, reason: string): void {
    this.pendingByKey.delete(key);
    this.appendSync({ t: 'abandon', key, reason, at: Date.now() }, false);
  }

  /** Rewrites the journal with only unresolved jobs (called when no batch runs). */
  async compact(): Promise<void> {
    this.close();
    const lines = [...this.pendingByKey.values()].map((p) =>
      JSON.stringify({ ...p, t: p.requestId ? 'submit' : 'intent' }),
    );
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, lines.length ? `${lines.join('\n')}\n` : '');
  }

  close(): void {
    if (this.fd === undefined) return;
    // Closing a descriptor a background fdatasync still uses would make it fail or hit a reused fd.
    if (this.syncing) {
      const fd = this.fd;
      this.fd = undefined;
      const wait = setInterval(() => {
        if (this.syncing) return;
        clearInterval(wait);
        try {
          fs.closeSync(fd);
        } catch {
          // nothing to do
        }
      }, 5);
      return;
    }
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed by the OS on a read-only remount, say; nothing left to flush.
    }
    this.fd = undefined;
  }

  private syncing = false;
  private syncAgain = false;

  private appendSync(entry: JournalEntry, durable: boolean): void {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = openStateFileForAppend(this.file);
    }
    fs.writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    if (durable) this.syncInBackground();
  }

  /** Coalesces fdatasync calls: one in flight at a time, one more if lines arrived meanwhile. */
  private syncInBackground(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    const fd = this.fd;
    if (fd === undefined) return;
    this.syncing = true;
    fs.fdatasync(fd, () => {
      this.syncing = false;
      if (this.syncAgain) {
        this.syncAgain = false;
        this.syncInBackground();
      }
    });
  }
}

function parseLine(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    const v = JSON.parse(line) as JournalEntry;
    // A torn last line (killed mid-append) parses as garbage or not at all; skip it.
    if (typeof v !== 'object' || v === null || typeof v.key !== 'string') return undefined;
    if (v.t === 'submit' && typeof v.requestId !== 'string') return undefined;
    return v;
  } catch {
    return undefined;
  }
}
