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
// Several processes append to one journal (two windows, CLI + editor): `refresh` reads what the others
// appended since, and a compaction (rename) by one never loses a line another is writing (see compact).
import * as fs from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite';
import { O_NOFOLLOW, openStateFileForAppend } from '../util/contained';
import { withFileLock } from '../util/lock';

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
  | { t: 'abandon'; key: string; reason: string; at: number }
  /** The job finished (and was billed) but its output is not stored yet: the next run pays nothing more. */
  | { t: 'charged'; key: string; at: number };

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
  /** Its cost was already counted (the download or the store failed after the provider finished). */
  charged?: boolean;
}

/**
 * What the job stages need of a journal: this file journal on one machine, or a shared one for a team's
 * render farm (src/core/team/redisJournal.ts). `intent` must be durable when it returns or resolves (no
 * submit follows otherwise); the other writes may be asynchronous but never reject.
 */
export interface JobJournal {
  load(): Promise<void>;
  /** Takes in what other processes wrote; `key` names the job the caller is about to look at. */
  refresh(key?: string): Promise<void>;
  pending(key: string): PendingJob | undefined;
  intent(job: Omit<PendingJob, 'at' | 'requestId' | 'charged'>): void | Promise<void>;
  submitted(job: Omit<PendingJob, 'at' | 'charged'> & { requestId: string }): void | Promise<void>;
  charged(key: string): void | Promise<void>;
  output(key: string, sha256: string): void | Promise<void>;
  abandon(key: string, reason: string): void | Promise<void>;
  compact(): Promise<void>;
  close(): void;
}

export class Journal implements JobJournal {
  private fd: number | undefined;
  private pendingByKey = new Map<string, PendingJob>();
  private loaded = false;
  /** Where reading stopped, in which file (a compaction by any process makes a new one). */
  private readIno: number | undefined;
  private readOffset = 0;
  private reading: Promise<void> | undefined;
  private readAgain: Promise<void> | undefined;
  /** The last append may have been cut short (disk full): the next one starts on a fresh line. */
  private torn = false;

  constructor(private readonly file: string) {}

  /** Reads what earlier runs left: jobs with an intent or submit but no output or abandon. */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    await this.refresh();
  }

  /**
   * Takes in the lines other processes appended since the last read (all of them after a compaction).
   * A read already under way may have started before the line a caller needs: then one more follows it.
   */
  refresh(): Promise<void> {
    if (this.reading) {
      this.readAgain ??= this.reading.then(() => {
        this.readAgain = undefined;
        return this.refresh();
      });
      return this.readAgain;
    }
    this.reading = this.readNew().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readNew(): Promise<void> {
    let handle: fs.promises.FileHandle;
    try {
      // Never through a link: a journal planted as a link reads as absent (appends replace the link).
      handle = await fs.promises.open(this.file, fs.constants.O_RDONLY | O_NOFOLLOW);
    } catch {
      return;
    }
    try {
      const st = await handle.stat();
      // Not a file (a broken disk, a hostile checkout): nothing to read; appends will fail loudly instead.
      if (!st.isFile()) return;
      if (st.ino !== this.readIno || st.size < this.readOffset) {
        this.readIno = st.ino;
        this.readOffset = 0;
        this.pendingByKey = new Map();
      }
      if (st.size === this.readOffset) return;
      const buf = Buffer.alloc(st.size - this.readOffset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, this.readOffset);
      // Only whole lines: another process may be in the middle of appending the last one.
      const end = buf.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      this.readOffset += end;
      this.apply(buf.subarray(0, end).toString('utf8'));
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  private apply(text: string): void {
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      if (entry.t === 'intent' || entry.t === 'submit') this.pendingByKey.set(entry.key, { ...entry });
      else if (entry.t === 'charged') {
        const pending = this.pendingByKey.get(entry.key);
        if (pending) pending.charged = true;
      } else this.pendingByKey.delete(entry.key);
    }
  }

  pending(key: string): PendingJob | undefined {
    return this.pendingByKey.get(key);
  }

  /** Throws when the line could not be written: then nothing may be submitted. */
  intent(job: Omit<PendingJob, 'at' | 'requestId' | 'charged'>): void {
    this.begin({ t: 'intent', ...job, at: Date.now() });
  }

  submitted(job: Omit<PendingJob, 'at' | 'charged'> & { requestId: string }): void {
    this.begin({ t: 'submit', ...job, at: Date.now() });
  }

  /** Both lines mark a job that may be billed: synced before the provider call they precede. */
  private begin(entry: Extract<JournalEntry, { t: 'intent' | 'submit' }>): void {
    const charged = this.pendingByKey.get(entry.key)?.charged;
    this.appendSync(entry, true);
    this.pendingByKey.set(entry.key, { ...entry, ...(charged ? { charged } : {}) });
  }

  charged(key: string): void {
    const pending = this.pendingByKey.get(key);
    if (!pending) return;
    this.appendSync({ t: 'charged', key, at: Date.now() }, true);
    pending.charged = true;
  }

  output(key: string, sha256: string): void {
    this.pendingByKey.delete(key);
    this.appendSync({ t: 'output', key, sha256, at: Date.now() }, false);
  }

  abandon(key: string, reason: string): void {
    this.pendingByKey.delete(key);
    this.appendSync({ t: 'abandon', key, reason, at: Date.now() }, false);
  }

  /**
   * Rewrites the journal with only unresolved jobs (called when no batch of this process runs). Other
   * processes may still append: the rewrite is made from the file (not from memory), under a lock against
   * another compaction, and lines appended to the old file meanwhile are carried over after the rename;
   * a writer that lands on the old file after the rename writes its line again (see appendSync).
   */
  async compact(): Promise<void> {
    this.close();
    // Creates it inside the project, replacing a link at its name (the link's target is never touched).
    fs.closeSync(openStateFileForAppend(this.file));
    await withFileLock(this.file, async () => {
      const old = await fs.promises.open(this.file, fs.constants.O_RDONLY | O_NOFOLLOW);
      try {
        const text = await old.readFile('utf8');
        const read = Buffer.byteLength(text);
        const fromFile = new Journal(this.file);
        fromFile.apply(text);
        const lines = [...fromFile.pendingByKey.values()].map((p) =>
          JSON.stringify({ ...p, t: p.requestId ? 'submit' : 'intent' }),
        );
        const compacted = lines.length ? `${lines.join('\n')}\n` : '';
        // Already compact (empty, or as the last compaction left it): a rewrite would only cost a fsync.
        // Lines appended meanwhile went into this same file and stay there.
        if (compacted === text) return;
        await writeFileAtomic(this.file, compacted);
        const { size } = await old.stat();
        if (size > read) {
          const tail = Buffer.alloc(size - read);
          await old.read(tail, 0, tail.length, read);
          await fs.promises.appendFile(this.file, tail);
        }
      } finally {
        await old.close().catch(() => undefined);
      }
    });
    this.readIno = undefined;
    await this.refresh();
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

  private appendSync(entry: JournalEntry, durable: boolean, again = false): void {
    if (this.fd === undefined) {
      this.fd = openStateFileForAppend(this.file);
      this.torn = endsTorn(this.fd);
    }
    const line = Buffer.from(`${this.torn ? '\n' : ''}${JSON.stringify(entry)}\n`);
    this.torn = true;
    const written = fs.writeSync(this.fd, line);
    // A short write (disk full) leaves half a line: it did not happen, and the next line starts afresh.
    if (written < line.length) throw Object.assign(new Error('Disk full'), { code: 'ENOSPC' });
    this.torn = false;
    // Another process compacted (renamed a new journal into place): this line went to the old file.
    if (!again && this.replaced()) {
      this.close();
      this.appendSync(entry, durable, true);
      return;
    }
    if (durable) this.syncInBackground();
  }

  private replaced(): boolean {
    try {
      return this.fd !== undefined && fs.statSync(this.file).ino !== fs.fstatSync(this.fd).ino;
    } catch {
      return true;
    }
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

/**
 * Whether an append could land after half a line (a writer killed or out of space mid-append). The
 * descriptor is write-only, so a non-empty file is assumed torn: the cost is one empty line.
 */
function endsTorn(fd: number): boolean {
  try {
    return fs.fstatSync(fd).size > 0;
  } catch {
    return true;
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
