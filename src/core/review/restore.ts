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
    const clip = clipOf(o);
    if (o.video && (!clip || !(await store.verify(clip.sha256, clip.ext)))) {
      throw new DailiesError(
        'not-found',
        `Version ${n} of ${shotId}: take ${o.variation}'s clip is no longer in the content store (.dailies/store); it cannot be restored`,
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
    const { thumb: _old, cached: _cached, video: _video, proxy: _proxy, ...rest } = o;
    restored.push({
      ...rest,
      image,
      ...(thumb ? { thumb } : {}),
      ...(await restoreClip(store, paths, entry, o, base)),
    });
  }
  const render: RenderRecord = { ...entry.render, outputs: restored };
  const changes: [string, unknown][] = [['render', render]];
  if (entry.fields) for (const k of RESTORABLE) changes.push([k, entry.fields[k]]);
  return { shotId, n, entry, render, changes };
}

/** A video take's clip in the store: its hash and extension, from the version's record. */
function clipOf(o: OutputRecord): { sha256: string; ext: string } | undefined {
  const ext = o.video ? extOf(o.video) : undefined;
  return ext && o.videoSha256 ? { sha256: o.videoSha256, ext } : undefined;
}

/**
 * A video take's clip and review proxy beside its poster. The renders/ files its record named hold the
 * newest render's now, so both come from the store by hash; a proxy the version did not keep is left out
 * (the viewer shows the poster) rather than pointing at another render's.
 */
async function restoreClip(
  store: ContentStore,
  paths: ProjectPaths,
  entry: VersionEntry,
  o: OutputRecord,
  base: string,
): Promise<Partial<OutputRecord>> {
  const clip = clipOf(o);
  if (!clip) return {};
  const video = `${base}.${clip.ext}`;
  await store.materialize(clip.sha256, clip.ext, await paths.destination(video));
  const proxySha = entry.proxies?.[String(o.variation)];
  if (!proxySha || !(await store.verify(proxySha, 'mp4'))) return { video };
  const proxy = `${base}.proxy.mp4`;
  await store.materialize(proxySha, 'mp4', await paths.destination(proxy));
  return { video, proxy };
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
