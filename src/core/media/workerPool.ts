// A small pool of worker threads for CPU-heavy media work (draft frames, image checks and thumbnails),
// sized to the machine's cores. In the VS Code extension host everything shares one JavaScript thread
// with every other extension; a batch that decodes, scales and encodes images on it (and collects the
// garbage of its pixel buffers) makes the tree and the editor stutter. Here that thread only posts a
// message and gets one back.
//
// The worker is dist/mediaWorker.js in the bundles and src/core/media/mediaWorker.ts under tsx (tests,
// benchmarks). When a worker cannot start (a missing bundle, DAILIES_MEDIA_WORKERS=0), the same code
// runs in process, so media work never fails for want of a thread.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DailiesError, type ErrorCode } from '../util/errors';
import type { DraftFrameSpec } from './draftFrame';
import { type MediaTask, runMediaTask } from './mediaTasks';
import { sharp } from './sharpSetup';
import type { ThumbnailOptions, VerifiedImage } from './verify';

interface Pending {
  task: MediaTask;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending };
  /** Tasks this worker finished: one that dies before its first never really started. */
  answered: number;
}

type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } };

/** Workers for a machine: one per core, at most 4 (libuv's default thread pool is 4 and fs needs some). */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.DAILIES_MEDIA_WORKERS;
  if (asked !== undefined && asked.trim() !== '' && Number.isInteger(Number(asked))) {
    return Math.max(0, Math.min(16, Number(asked)));
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
}

interface WorkerEntry {
  /** A file to run, or (with `eval`) code that loads it. */
  file: string;
  eval?: boolean;
}

/** Where the worker's code is: beside this bundle, or beside this source file under tsx. */
function workerEntry(): WorkerEntry | undefined {
  const bundled = path.join(__dirname, 'mediaWorker.js');
  if (existsSync(bundled)) return { file: bundled };
  const source = path.join(__dirname, 'mediaWorker.ts');
  if (!existsSync(source)) return undefined;
  // From source (tests, benchmarks under tsx): a worker does not get the parent's loader hooks, so it
  // registers tsx's require hook itself before loading the TypeScript entry.
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    return undefined;
  }
  return { file: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
}

export class MediaPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** Set once no worker can be started: from then on tasks run in process. */
  private inProcess: boolean;
  /** Workers to run at most; lowered to those alive when one fails to start, so it is not retried in a loop. */
  private limit: number;
  private why: string | undefined;

  constructor(
    size: number = defaultPoolSize(),
    /** Where the worker's code is; found beside this module when not given. */
    private entry: WorkerEntry | undefined | null = null,
  ) {
    this.limit = size;
    this.inProcess = size === 0;
  }

  /** How many worker threads are running (0 when working in process). */
  get threads(): number {
    return this.slots.length;
  }

  /** Where the work runs, for a debug log line. */
  get where(): string {
    return this.inProcess ? `process (${this.why ?? 'media workers off'})` : 'a media worker thread';
  }

  draftFrame(spec: DraftFrameSpec): Promise<Buffer> {
    return this.run<Uint8Array>({ kind: 'draft', spec }).then(asBuffer);
  }

  thumbnail(input: Uint8Array | string, options: ThumbnailOptions): Promise<VerifiedImage> {
    return this.run<VerifiedImage>({ kind: 'thumbnail', input, options }).then((v) => ({
      ...v,
      thumbnail: asBuffer(v.thumbnail),
    }));
  }

  run<T>(task: MediaTask): Promise<T> {
    if (this.inProcess) return runMediaTask(task) as Promise<T>;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Lets idle workers go; busy ones finish their task first (never torn down mid-operation). */
  async close(): Promise<void> {
    const idle = this.slots.filter((s) => !s.busy);
    for (const s of idle) this.slots.splice(this.slots.indexOf(s), 1);
    await Promise.all(idle.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.limit) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = { id, pending };
      // A busy worker keeps the process alive until its answer arrives; an idle one never does.
      slot.worker.ref();
      slot.worker.postMessage({ id, task: pending.task });
    }
  }

  private spawn(): Slot | undefined {
    this.entry ??= workerEntry();
    if (!this.entry) return this.fallBack(new Error('media worker code not found'));
    // sharp's shared libraries must be loaded by the main thread before any worker loads them, or
    // glibc unloads them when a worker exits while others still use them (sharp issue #2263).
    sharp();
    let worker: Worker;
    try {
      worker = new Worker(this.entry.file, { eval: this.entry.eval ?? false, env: process.env });
    } catch (err) {
      return this.fallBack(err);
    }
    const slot: Slot = { worker, answered: 0 };
    worker.on('message', (reply: Reply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onExit(slot, err));
    worker.on('exit', (code) => this.onExit(slot, new Error(`media worker exited (${code})`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** A worker could not start: keep the ones alive; with none, run everything in process from now on. */
  private fallBack(reason: unknown): undefined {
    this.why = `media workers unavailable: ${(reason as Error)?.message ?? reason}`;
    this.limit = this.slots.length;
    this.inProcess = this.limit === 0;
    if (this.inProcess) {
      for (const p of this.queue.splice(0)) runMediaTask(p.task).then(p.resolve, p.reject);
    }
    return undefined;
  }

  private onReply(slot: Slot, reply: Reply): void {
    const busy = slot.busy;
    if (!busy || busy.id !== reply.id) return;
    slot.busy = undefined;
    slot.answered++;
    slot.worker.unref();
    if (reply.ok) busy.pending.resolve(reply.result);
    else busy.pending.reject(new DailiesError(reply.error.code as ErrorCode, reply.error.message));
    this.pump();
  }

  private onExit(slot: Slot, err: unknown): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const busy = slot.busy;
    slot.busy = undefined;
    if (slot.answered === 0) {
      // It never ran a task (it could not load): workers do not work here, so do the work in process.
      if (busy) this.queue.unshift(busy.pending);
      this.fallBack(err);
      if (!this.inProcess) this.pump();
      return;
    }
    // The task that was running fails with the worker; the rest go to a fresh one.
    busy?.pending.reject(
      new DailiesError('internal', `media worker failed: ${(err as Error).message ?? err}`),
    );
    this.pump();
  }
}

function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

let shared: MediaPool | undefined;

/** The process's pool, created on first use (activation never pays for it). */
export function mediaPool(): MediaPool {
  shared ??= new MediaPool();
  return shared;
}
