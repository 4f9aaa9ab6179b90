// Tree icons for stale shots: the last rendered frame, dimmed, so a stale row still shows what the shot
// looked like (an empty circle says nothing). A tree icon cannot be styled, so the dimmed copy is an
// image of its own: 48 px, 45 % opaque, made once per frame with sharp (off the extension host's
// thread, two at a time) into the extension's storage — never into the project folder.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeDimmed } from './dimImage';

const PARALLEL = 2;

export class DimmedThumbs implements vscode.Disposable {
  private readonly ready = new Map<string, vscode.Uri>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly failed = new Set<string>();
  private readonly queue: { key: string; thumb: string; target: string }[] = [];
  private running = 0;
  private disposed = false;

  constructor(private readonly dir: vscode.Uri | undefined) {}

  /**
   * The dimmed icon of `thumb` (absolute path; `version` tells two renders at the same path apart), or
   * undefined while it is being made — `onReady` runs once it is there.
   */
  icon(thumb: string, version: string, onReady: () => void): vscode.Uri | undefined {
    if (!this.dir) return undefined;
    const key = createHash('sha256').update(`${thumb}\0${version}`).digest('hex').slice(0, 32);
    const done = this.ready.get(key);
    if (done || this.failed.has(key)) return done;
    const callbacks = this.waiting.get(key);
    if (callbacks) {
      callbacks.push(onReady);
      return undefined;
    }
    this.waiting.set(key, [onReady]);
    this.queue.push({ key, thumb, target: path.join(this.dir.fsPath, 'dimmed', `${key}.webp`) });
    this.pump();
    return undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.waiting.clear();
  }

  private pump(): void {
    while (this.running < PARALLEL && this.queue.length && !this.disposed) {
      const job = this.queue.shift()!;
      this.running++;
      void this.make(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async make(job: { key: string; thumb: string; target: string }): Promise<void> {
    try {
      const exists = await fs.stat(job.target).then(
        (s) => s.isFile() && s.size > 0,
        () => false,
      );
      if (!exists) await writeDimmed(job.thumb, job.target);
      this.ready.set(job.key, vscode.Uri.file(job.target));
    } catch {
      // A missing or broken thumbnail: the row keeps its status icon.
      this.failed.add(job.key);
    }
    const callbacks = this.waiting.get(job.key) ?? [];
    this.waiting.delete(job.key);
    if (!this.disposed) for (const cb of callbacks) cb();
  }
}
