// Append-only record of every job's life in .dailies/journal.jsonl. The line that matters most is
// `submit`: it is fsynced before we wait on the provider, so after a crash or reload the next run
// re-attaches to the provider's request instead of submitting (and paying for) it again.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';

export type JournalEntry =
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
  | { t: 'done'; key: string; at: number }
  | { t: 'abandon'; key: string; reason: string; at: number };

export interface PendingSubmission {
  key: string;
  provider: string;
  model: string;
  requestId: string;
  shotId: string;
  variation: number;
  at: number;
}

export class Journal {
  private handle: fs.FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pendingByKey = new Map<string, PendingSubmission>();
  private loaded = false;

  constructor(private readonly file: string) {}

  /** Reads what earlier runs left: submissions that never reached an output, done or abandon. */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let text = '';
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry) continue;
      if (entry.t === 'submit') this.pendingByKey.set(entry.key, { ...entry });
      else this.pendingByKey.delete(entry.key);
    }
  }

  pending(key: string): PendingSubmission | undefined {
    return this.pendingByKey.get(key);
  }

  allPending(): PendingSubmission[] {
    return [...this.pendingByKey.values()];
  }

  submitted(entry: Omit<Extract<JournalEntry, { t: 'submit' }>, 't' | 'at'>): Promise<void> {
    const full = { t: 'submit' as const, ...entry, at: Date.now() };
    this.pendingByKey.set(entry.key, full);
    return this.append(full, true);
  }

  output(key: string, sha256: string): Promise<void> {
    this.pendingByKey.delete(key);
    return this.append({ t: 'output', key, sha256, at: Date.now() }, false);
  }

  done(key: string): Promise<void> {
    this.pendingByKey.delete(key);
    return this.append({ t: 'done', key, at: Date.now() }, false);
  }

  abandon(key: string, reason: string): Promise<void> {
    this.pendingByKey.delete(key);
    return this.append({ t: 'abandon', key, reason, at: Date.now() }, false);
  }

  /** Rewrites the journal with only unresolved submissions (called when no batch runs). */
  async compact(): Promise<void> {
    await this.chain;
    await this.close();
    const lines = [...this.pendingByKey.values()].map((p) => JSON.stringify({ t: 'submit', ...p }));
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, lines.length ? `${lines.join('\n')}\n` : '');
  }

  async close(): Promise<void> {
    await this.chain;
    const h = this.handle;
    this.handle = undefined;
    await h?.close().catch(() => undefined);
  }

  private append(entry: JournalEntry, sync: boolean): Promise<void> {
    const run = async () => {
      if (!this.handle) {
        await fs.mkdir(path.dirname(this.file), { recursive: true });
        this.handle = await fs.open(this.file, 'a');
      }
      await this.handle.appendFile(`${JSON.stringify(entry)}\n`);
      if (sync) await this.handle.datasync();
    };
    const next = this.chain.then(run);
    this.chain = next.catch(() => undefined);
    return next;
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
