// Restoring a version: its outputs come back from the content store (verified; linked or cloned, never
// fetched — no provider is asked anything), into a folder of their own under renders/<shot>/versions/, so
// undoing the restore in the editor leaves the newer render's files exactly where its record says. What
// the caller then writes into project.json (one edit): the version's render record and the prompt and
// params it was made with.
import * as path from 'node:path';
import { ContentStore } from '../cache/contentStore';
import { verifyAndThumbnail } from '../media/image';
import { applyEdits, detectFormat, indexShots, setPropertiesEdits, type TextEdit } from '../project/edit';
import type { ProjectPaths } from '../project/paths';
import type { OutputRecord, RenderRecord } from '../project/schema';
import { DailiesError } from '../util/errors';
import { RESTORABLE, type VersionEntry, VersionStore } from './versions';

export interface Restored {
  shotId: string;
  /** 1-based number of the version among its shot's versions. */
  n: number;
  entry: VersionEntry;
  render: RenderRecord;
  /** Property changes for the shot, in order: the record, then the inputs (undefined removes a key). */
  changes: [string, unknown][];
}

export interface RestoreOptions {
  thumbnails: { size: number; quality: number };
}

/** A version by its id, or by its number ("2") among the shot's versions. */
export async function findVersion(
  versions: VersionStore,
  shotId: string,
  which: string,
): Promise<{ entry: VersionEntry; n: number }> {
  const all = await versions.list(shotId);
  const n = /^[0-9]{1,4}$/.test(which) ? Number(which) : 0;
  const i = n > 0 ? n - 1 : all.findIndex((e) => e.id === which);
  const entry = all[i];
  if (!entry) {
    throw new DailiesError(
      'not-found',
      all.length
        ? `Shot ${shotId} has no version "${which}" (it has ${all.length}: 1–${all.length})`
        : `Shot ${shotId} has no kept versions yet (every render from now on is kept)`,
    );
  }
  return { entry, n: i + 1 };
}

/** Puts a version's files in place and returns what project.json must get; changes nothing on error. */
export async function restoreVersion(
  paths: ProjectPaths,
  shotId: string,
  which: string,
  options: RestoreOptions,
): Promise<Restored> {
  const { entry, n } = await findVersion(new VersionStore(paths), shotId, which);
  const store = new ContentStore(paths.data('store'));
  const outputs = [...entry.render.outputs].sort((a, b) => a.variation - b.variation);
  const planned = outputs.map((o) => ({ o, ext: extOf(o.image) }));
  // Everything is checked before anything is written: a half-restored version would be worse than none.
  for (const { o, ext } of planned) {
    if (!ext || !o.sha256 || !(await store.verify(o.sha256, ext))) {
      throw new DailiesError(
        'not-found',
        `Version ${n} of ${shotId}: take ${o.variation}'s image is no longer in the content store (.dailies/store); it cannot be restored`,
      );
    }
  }
  const folder = `renders/${shotId}/versions/${entry.id}`;
  const restored: OutputRecord[] = [];
  for (const { o, ext } of planned) {
    const base = `${folder}/${shotId}_v${o.variation}`;
    const image = `${base}.${ext}`;
    await store.materialize(o.sha256!, ext!, await paths.destination(image));
    let thumb: string | undefined;
    let thumbSha = entry.thumbs?.[String(o.variation)];
    if (!thumbSha || !(await store.verify(thumbSha, 'webp'))) {
      // A thumbnail is made again from the verified image: never a reason to fail a restore.
      const bytes = await store.read(o.sha256!, ext!);
      thumbSha = bytes
        ? await store.put((await verifyAndThumbnail(bytes, options.thumbnails)).thumbnail, 'webp')
        : undefined;
    }
    if (thumbSha) {
      thumb = `${base}.thumb.webp`;
      await store.materialize(thumbSha, 'webp', await paths.destination(thumb));
    }
    const { thumb: _old, cached: _cached, ...rest } = o;
    restored.push({ ...rest, image, ...(thumb ? { thumb } : {}) });
  }
  const render: RenderRecord = { ...entry.render, outputs: restored };
  const changes: [string, unknown][] = [['render', render]];
  if (entry.fields) for (const k of RESTORABLE) changes.push([k, entry.fields[k]]);
  return { shotId, n, entry, render, changes };
}

function extOf(image: string): string | undefined {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(path.posix.basename(image))?.[1];
  return ext?.toLowerCase();
}

/**
 * The restore as one text edit of the shot's object (for an editor: one undo step), computed against
 * `text`; undefined when the shot is not in it.
 */
export function restoreTextEdit(
  text: string,
  shotId: string,
  changes: [string, unknown][],
): TextEdit | undefined {
  const node = indexShots(text)?.shots.get(shotId);
  if (!node) return undefined;
  const edits = setPropertiesEdits(text, node, changes, detectFormat(text));
  if (edits.length === 0) return { offset: node.offset, length: 0, content: '' };
  const start = Math.min(...edits.map((e) => e.offset));
  const end = Math.max(...edits.map((e) => e.offset + e.length));
  const slice = text.slice(start, end);
  const local = edits.map((e) => ({ ...e, offset: e.offset - start }));
  return { offset: start, length: end - start, content: applyEdits(slice, local) };
}
