// Every render of a shot, kept: `.dailies/versions/shot-<id>.jsonl` gets one line per recorded render —
// the inputs it was made with (the shot's own prompt and params, the resolved model, seed, refs by
// content hash), its outputs by sha256 (the bytes stay in the content store, never copied), when, and
// what it cost. Lines are appended with one write each (several processes may append; a torn last line
// is skipped on read). `index.jsonl` beside them holds one tiny line per version so the tree and the
// storyboard can count every shot's versions with one read. Everything read back is checked: these are
// files on disk, not trusted input.
import { closeSync, constants, promises as fs, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { ProjectPaths } from '../project/paths';
import type { RenderRecord } from '../project/schema';
import { bytesLabel } from '../util/bytes';
import { O_NOFOLLOW, openStateFileForAppend, readStateFile } from '../util/contained';
import { DailiesError } from '../util/errors';
import { isRecord } from './reviewData';

/** The shot's own properties a restore puts back (absent in `fields` = not set on the shot then). */
export const RESTORABLE = [
  'prompt',
  'negativePrompt',
  'model',
  'provider',
  'seed',
  'steps',
  'variations',
  'aspectRatio',
  'params',
] as const;

export interface VersionInputs {
  model: string;
  provider: string;
  seed: number;
  steps: number;
  variations: number;
  aspectRatio: string;
  width: number;
  height: number;
  params: Record<string, unknown>;
  refs: { role: string; label: string; ref?: string; sha256: string }[];
}

export interface VersionEntry {
  v: 1;
  /** Unique id (hex) of this version. */
  id: string;
  shotId: string;
  /** When it was kept (ISO). */
  recordedAt: string;
  /** The render record as project.json got it. */
  render: RenderRecord;
  /** Thumbnail content hash per variation (the image's is in `render.outputs[].sha256`). */
  thumbs?: Record<string, string>;
  /** A video take's review proxy content hash per variation (its renders/ file is replaced by the next render). */
  proxies?: Record<string, string>;
  /** The shot's RESTORABLE properties as written when it was rendered; absent for a legacy version. */
  fields?: Record<string, unknown>;
  inputs?: VersionInputs;
  /** Recorded before versions were kept: its outputs are known, the inputs it was made with are not. */
  legacy?: true;
}

export const MAX_VERSIONS_FILE_BYTES = 64 * 1024 * 1024;
const SHA = /^[0-9a-f]{64}$/;
const ID = /^[0-9a-f]{8,32}$/;
const SHOT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class VersionStore {
  readonly dir: string;
  private indexRead = { ino: -1, offset: 0, counts: new Map<string, Set<string>>() };

  constructor(private readonly paths: ProjectPaths) {
    this.dir = paths.data('versions');
  }

  /** One file per shot; ids differing only in case share one (lines carry their shot's exact id). */
  fileOf(shotId: string): string {
    if (!SHOT_ID.test(shotId)) throw new DailiesError('validation', `"${shotId}" is not a shot id`);
    return path.join(this.dir, `shot-${shotId.toLowerCase()}.jsonl`);
  }

  /** Every readable version of a shot, oldest first. */
  async list(shotId: string): Promise<VersionEntry[]> {
    const file = this.fileOf(shotId);
    const size = await fs
      .lstat(file)
      .then((s) => s.size)
      .catch(() => 0);
    if (size > MAX_VERSIONS_FILE_BYTES) {
      throw new DailiesError(
        'validation',
        `${path.relative(this.paths.root, file)} is larger than ${bytesLabel(MAX_VERSIONS_FILE_BYTES)}`,
      );
    }
    const bytes = await readStateFile(file);
    if (!bytes) return [];
    const out: VersionEntry[] = [];
    const seen = new Set<string>();
    for (const line of bytes.toString('utf8').split('\n')) {
      const entry = parseEntry(line);
      if (entry && entry.shotId === shotId && !seen.has(entry.id)) {
        seen.add(entry.id);
        out.push(entry);
      }
    }
    return out;
  }

  async find(shotId: string, id: string): Promise<{ entry: VersionEntry; n: number } | undefined> {
    const all = await this.list(shotId);
    const i = all.findIndex((e) => e.id === id);
    return i < 0 ? undefined : { entry: all[i]!, n: i + 1 };
  }

  /** Appends a version (its shot's line first, then the index line that counts it). */
  append(entry: VersionEntry): void {
    appendLine(this.fileOf(entry.shotId), JSON.stringify(entry));
    appendLine(path.join(this.dir, 'index.jsonl'), JSON.stringify({ s: entry.shotId, id: entry.id }));
  }

  /** How many versions each shot has; reads only what was appended since the last call. */
  async counts(): Promise<Map<string, number>> {
    const file = path.join(this.dir, 'index.jsonl');
    const st = await fs.lstat(file).catch(() => undefined);
    const state = this.indexRead;
    if (!st?.isFile()) {
      state.ino = -1;
      state.offset = 0;
      state.counts = new Map();
    } else {
      if (st.ino !== state.ino || st.size < state.offset) {
        state.ino = st.ino;
        state.offset = 0;
        state.counts = new Map();
      }
      if (st.size > state.offset) this.readIndex(file, state, st.size);
    }
    const out = new Map<string, number>();
    for (const [id, set] of state.counts) out.set(id, set.size);
    return out;
  }

  private readIndex(file: string, state: VersionStore['indexRead'], size: number): void {
    const bytes = Buffer.alloc(Math.min(size - state.offset, MAX_VERSIONS_FILE_BYTES));
    let fd: number;
    try {
      fd = openNoFollow(file);
    } catch {
      return;
    }
    try {
      readSync(fd, bytes, 0, bytes.length, state.offset);
    } finally {
      closeSync(fd);
    }
    // Only whole lines count; a line still being written is read next time.
    const end = bytes.lastIndexOf(10);
    if (end < 0) return;
    for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
      try {
        const v: unknown = JSON.parse(line);
        if (!isRecord(v) || typeof v['s'] !== 'string' || typeof v['id'] !== 'string') continue;
        let set = state.counts.get(v['s']);
        if (!set) {
          set = new Set();
          state.counts.set(v['s'], set);
        }
        set.add(v['id']);
      } catch {
        // a torn or foreign line: skipped
      }
    }
    state.offset += end + 1;
  }
}

/** Never through a link: a link where Dailies keeps its state was not made by Dailies. */
function openNoFollow(file: string): number {
  return openSync(file, constants.O_RDONLY | O_NOFOLLOW);
}

/** One write per line; after a torn line (a crash, a full disk) the next one starts on a fresh line. */
function appendLine(file: string, line: string): void {
  const fd = openStateFileForAppend(file);
  try {
    const size = fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rd = openNoFollow(file);
      try {
        readSync(rd, last, 0, 1, size - 1);
      } finally {
        closeSync(rd);
      }
      if (last[0] !== 10) prefix = '\n';
    }
    writeSync(fd, `${prefix}${line}\n`);
  } finally {
    closeSync(fd);
  }
}

/** A version line as written by Dailies, or undefined for anything else (torn, foreign, tampered). */
export function parseEntry(line: string): VersionEntry | undefined {
  if (!line.trim()) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(v) || v['v'] !== 1) return undefined;
  if (typeof v['id'] !== 'string' || !ID.test(v['id'])) return undefined;
  if (typeof v['shotId'] !== 'string' || !SHOT_ID.test(v['shotId'])) return undefined;
  if (typeof v['recordedAt'] !== 'string') return undefined;
  const render = v['render'];
  if (!isRecord(render) || !Array.isArray(render['outputs']) || typeof render['inputHash'] !== 'string')
    return undefined;
  if (typeof render['renderedAt'] !== 'string') return undefined;
  for (const o of render['outputs'] as unknown[]) {
    if (!isRecord(o) || !Number.isInteger(o['variation']) || typeof o['image'] !== 'string') return undefined;
    if (typeof o['sha256'] !== 'string' || !SHA.test(o['sha256'])) return undefined;
  }
  for (const hashes of [v['thumbs'], v['proxies']]) {
    if (
      hashes !== undefined &&
      (!isRecord(hashes) || Object.values(hashes).some((s) => typeof s !== 'string' || !SHA.test(s)))
    )
      return undefined;
  }
  if (v['fields'] !== undefined && !isRecord(v['fields'])) return undefined;
  if (v['inputs'] !== undefined && !isRecord(v['inputs'])) return undefined;
  return v as unknown as VersionEntry;
}

/** Same render (a record re-written, or restored): same inputs and the very same output bytes. */
export function sameRender(a: RenderRecord, b: RenderRecord): boolean {
  if (a.inputHash !== b.inputHash || a.outputs.length !== b.outputs.length) return false;
  const key = (r: RenderRecord) =>
    r.outputs
      .map((o) => `${o.variation}:${o.sha256 ?? ''}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}
