// Link-rot migration: provider URLs die (Replicate deletes API outputs after an hour, fal CDN files after
// their lifecycle), so every remote image a project points at is downloaded into the project, verified,
// thumbnailed, and the project rewritten (minimal edits, format kept) to point at the local copy.
import * as path from 'node:path';
import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import type { DailiesConfig } from '../config';
import { applyEdits, detectFormat, indexShots, replaceValueEdit, type TextEdit } from '../project/edit';
import type { ParseOutcome } from '../project/load';
import type { ProjectIO } from '../project/write';
import { HttpGuard } from '../providers/httpGuard';
import { nodeFetch } from '../providers/nodeFetch';
import { type FetchFn, gatewayRouter, REPLICATE_HOSTS } from '../providers/routes';
import { writeFileAtomic } from '../util/atomicWrite';
import { DailiesError, toDailiesError } from '../util/errors';
import { sha256 } from '../util/hash';
import { mapLimit } from '../util/mapLimit';
import { download, redact } from './download';
import { verifyAndThumbnail } from './image';

export interface MigrationReport {
  found: number;
  migrated: { url: string; path: string; thumb: string; uses: number }[];
  failed: { url: string; error: string; uses: number }[];
  written: boolean;
}

export interface MigrateOptions {
  root: string;
  io: ProjectIO;
  validate: (text: string) => ParseOutcome;
  config: DailiesConfig;
  signal?: AbortSignal;
  fetch?: FetchFn;
  onProgress?: (done: number, total: number) => void;
}

type JsonPath = (string | number)[];

/** Where remote images may sit: ref lists and recorded outputs. Other strings (notes, $schema) are text. */
export function findRemoteMedia(tree: JsonNode): Map<string, JsonPath[]> {
  const found = new Map<string, JsonPath[]>();
  const add = (node: JsonNode | undefined, p: JsonPath) => {
    if (node?.type === 'string' && typeof node.value === 'string' && /^https?:\/\//i.test(node.value)) {
      found.set(node.value, [...(found.get(node.value) ?? []), p]);
    }
  };
  const each = (arrayPath: JsonPath, fn: (item: JsonNode, p: JsonPath) => void) => {
    const arr = findNodeAtLocation(tree, arrayPath);
    arr?.children?.forEach((item, i) => {
      fn(item, [...arrayPath, i]);
    });
  };
  each(['cast'], (_c, p) => each([...p, 'refs'], (r, rp) => add(r, rp)));
  each(['scenes'], (_s, p) => each([...p, 'decor'], (r, rp) => add(r, rp)));
  each(['shots'], (_shot, p) => {
    each([...p, 'refs'], (r, rp) => add(r, rp));
    each([...p, 'render', 'outputs'], (_o, op) => {
      add(findNodeAtLocation(tree, [...op, 'image']), [...op, 'image']);
      add(findNodeAtLocation(tree, [...op, 'thumb']), [...op, 'thumb']);
    });
  });
  return found;
}

export async function migrateRemoteMedia(options: MigrateOptions): Promise<MigrationReport> {
  const { io, config } = options;
  const text = await io.read();
  const index = indexShots(text);
  if (!index) throw new DailiesError('project-syntax', 'project.json could not be parsed');
  const remote = findRemoteMedia(index.tree);
  const report: MigrationReport = { found: remote.size, migrated: [], failed: [], written: false };
  const fetcher = projectUrlFetch(config, options.fetch);
  const mapping = new Map<string, string>();
  let done = 0;
  options.onProgress?.(0, remote.size);
  await mapLimit([...remote], 4, async ([url, uses]) => {
    try {
      const { bytes } = await download(url, {
        maxBytes: config.downloads.maxBytes,
        signal: options.signal,
        fetch: fetcher,
      });
      const image = await verifyAndThumbnail(bytes, config.thumbnails);
      const rel = `media/remote/${localName(url, bytes, image.ext)}`;
      const thumb = rel.replace(/\.[^.]+$/, '.thumb.webp');
      // Inside the project by real path: a `media/remote` that links elsewhere is refused, not written.
      await writeFileAtomic(path.join(options.root, rel), bytes, { within: options.root });
      await writeFileAtomic(path.join(options.root, thumb), image.thumbnail, { within: options.root });
      report.migrated.push({ url: redact(url), path: rel, thumb, uses: uses.length });
      mapping.set(url, rel);
    } catch (err) {
      const e = toDailiesError(err);
      if (e.code === 'canceled') throw e;
      report.failed.push({ url: redact(url), error: e.message, uses: uses.length });
    }
    options.onProgress?.(++done, remote.size);
  });
  if (mapping.size === 0) return report;
  await io.withLock(async () => {
    // Re-read under the lock: the user may have edited meanwhile; only the URLs still present change.
    const current = await io.read();
    const check = options.validate(current);
    if (!check.ok)
      throw new DailiesError('project-schema', `project.json is not valid right now: ${check.error.message}`);
    const idx = indexShots(current);
    if (!idx) throw new DailiesError('project-syntax', 'project.json could not be parsed');
    const fmt = detectFormat(current);
    const edits: TextEdit[] = [];
    for (const [url, paths] of findRemoteMedia(idx.tree)) {
      const local = mapping.get(url);
      if (!local) continue;
      for (const p of paths) {
        const value = p[p.length - 1] === 'thumb' ? local.replace(/\.[^.]+$/, '.thumb.webp') : local;
        const edit = replaceValueEdit(current, idx.tree, p, value, fmt);
        if (edit) edits.push(edit);
      }
    }
    if (edits.length === 0) return;
    const after = applyEdits(current, edits);
    const ok = options.validate(after);
    if (!ok.ok)
      throw new DailiesError('internal', `refusing to write an invalid project.json: ${ok.error.message}`);
    const outcome = await io.write(current, after, edits);
    if (!outcome.ok)
      throw new DailiesError(
        'project-io',
        'project.json changed while it was being rewritten; run migrate again',
      );
    report.written = true;
  });
  return report;
}

function localName(url: string, bytes: Uint8Array, ext: string): string {
  let base = 'image';
  try {
    base = path.posix.basename(new URL(url).pathname).replace(/\.[^.]*$/, '') || 'image';
  } catch {
    // keep the default
  }
  base = base.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'image';
  return `${base}-${sha256(bytes).slice(0, 10)}.${ext}`;
}

/**
 * URLs read from project.json are fetched like outputs: https on public addresses only (or a configured
 * base URL's origin), redirects re-checked, time and bytes bounded, never with a key. Replicate's hosts go
 * through its base URL when one is set; fal's CDN is reached directly, as fal's own client does.
 */
export function projectUrlFetch(
  config: DailiesConfig,
  inner?: FetchFn,
): (url: string, init: RequestInit) => Promise<Response> {
  const bases = [config.baseUrls.fal, config.baseUrls.replicate].filter((b): b is string => !!b);
  const guard = new HttpGuard({
    fetch: inner ?? nodeFetch,
    egress: {
      label: 'Dailies',
      keyHosts: /(?!)/, // no key is ever sent for a URL from a file
      trusted: bases,
      route: config.baseUrls.replicate
        ? gatewayRouter(config.baseUrls.replicate, REPLICATE_HOSTS)
        : undefined,
    },
    via: config.baseUrls.replicate,
    requestTimeoutMs: config.timeouts.requestMs,
    idleTimeoutMs: config.timeouts.idleMs,
    download: { totalMs: config.timeouts.downloadMs, maxBytes: config.downloads.maxBytes },
  });
  return (url, init) => guard.download(url, init);
}
