// ShotView + kept versions → what the take viewer shows (ViewerShot), with no vscode here so it is tested
// in node. Image paths become webview URIs through `uri`, which refuses anything but a plain path inside
// the project (a record or a version line is data from disk, not trusted).
import { circledTake } from '../../core/review/takes';
import type { VersionEntry } from '../../core/review/versions';
import type { ShotView } from '../../core/state/productionState';
import { playableFile } from '../../shared/takeMedia';
import type { NoteInfo, TakeImage, VersionInfo, ViewerShot } from '../../shared/viewerProtocol';
import { pathTemplate } from './cards';

export interface ViewerSource {
  projectFile: string;
  title: string;
  aspectRatio: string;
  shots(): readonly ShotView[];
  sceneTitle(id: string | undefined): string | undefined;
  /** The webview URI of a project-relative path. */
  uri(rel: string): string | undefined;
  /** The production's frame rate: what a clip whose own rate is not recorded steps at. */
  fps?: number;
}

const SHA = /^[0-9a-f]{64}$/;

export function buildViewerShot(
  src: ViewerSource,
  shot: ShotView,
  versions: readonly VersionEntry[],
): ViewerShot {
  const all = src.shots();
  const url = (rel: string | undefined) => {
    const safe = rel === undefined ? undefined : pathTemplate(rel, '');
    return safe === undefined ? undefined : src.uri(safe);
  };
  const takes: TakeImage[] = [];
  for (const o of [...shot.outputs].sort((a, b) => a.variation - b.variation)) {
    const image = url(o.image);
    if (!image) continue;
    // A video take plays its proxy; one whose proxy is missing or unsafe shows its poster like a still.
    const video = url(playableFile(o));
    takes.push({ ...take(o.variation, image, url(o.thumb), o), ...(video ? clip(video, o) : {}) });
  }
  // Which kept version project.json holds: the same inputs and the very same bytes (two versions can
  // share bytes — a prompt edit a draft frame does not show — but not both).
  const current = `${shot.renderHash ?? ''}|${outputKey(shot.outputs)}`;
  const infos: VersionInfo[] = versions.map((v, i) => versionInfo(v, i + 1, current, url, takes));
  const renderedAt = infos.find((v) => v.current)?.renderedAt;
  const review = shot.review;
  const notes: NoteInfo[] = (review?.notes ?? []).map((n) => ({
    ...n,
    earlier: renderedAt !== undefined && n.at !== undefined && n.at < renderedAt,
  }));
  return {
    projectFile: src.projectFile,
    shotId: shot.id,
    index: Math.max(0, all.indexOf(shot)),
    total: all.length,
    title: src.title,
    ...(src.sceneTitle(shot.sceneId) ? { scene: src.sceneTitle(shot.sceneId) } : {}),
    prompt: shot.prompt,
    status: shot.status,
    ...(shot.reason ? { reason: shot.reason } : {}),
    aspectRatio: src.aspectRatio,
    review: review?.status ?? 'pending',
    ...(review?.unknownStatus ? { unknownStatus: review.unknownStatus } : {}),
    ...(review?.by ? { by: review.by } : {}),
    ...(review?.at ? { at: review.at } : {}),
    notes,
    ...(src.fps && src.fps > 0 ? { fps: src.fps } : {}),
    take: circledTake({ take: shot.take, render: { outputs: shot.outputs } }),
    circled: shot.take !== undefined && shot.outputs.some((o) => o.variation === shot.take),
    takes,
    versions: infos,
  };
}

function take(
  variation: number,
  image: string,
  thumb: string | undefined,
  o: { width?: number; height?: number; seed?: number },
): TakeImage {
  return {
    variation,
    image,
    ...(thumb ? { thumb } : {}),
    ...(o.width ? { width: o.width } : {}),
    ...(o.height ? { height: o.height } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  };
}

/** What a playable video take adds: its proxy's URI, and its length and frame rate when recorded. */
function clip(video: string, o: { seconds?: number; fps?: number }): Partial<TakeImage> {
  return {
    video,
    ...(o.seconds ? { seconds: o.seconds } : {}),
    ...(o.fps && Number.isFinite(o.fps) && o.fps > 0 && o.fps <= 240 ? { fps: o.fps } : {}),
  };
}

/** Outputs by content: the same bytes are the same render, whatever files they sit in now. */
function outputKey(outputs: readonly { variation: number; sha256?: string }[]): string {
  return outputs
    .map((o) => `${o.variation}:${o.sha256 ?? '?'}`)
    .sort()
    .join(',');
}

function versionInfo(
  v: VersionEntry,
  n: number,
  current: string,
  url: (rel: string | undefined) => string | undefined,
  currentTakes: readonly TakeImage[],
): VersionInfo {
  const isCurrent = `${v.render.inputHash}|${outputKey(v.render.outputs)}` === current;
  const takes: TakeImage[] = [];
  for (const o of [...v.render.outputs].sort((a, b) => a.variation - b.variation)) {
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(o.image)?.[1]?.toLowerCase();
    if (!ext || !o.sha256 || !SHA.test(o.sha256)) continue;
    const image = url(storePath(o.sha256, ext));
    const thumbSha = v.thumbs?.[String(o.variation)];
    const thumb = thumbSha && SHA.test(thumbSha) ? url(storePath(thumbSha, 'webp')) : undefined;
    if (!image) continue;
    // A video take plays its proxy from the store (renders/ holds only the newest render's); a version
    // kept without the proxy's hash plays the current take's when it is the current render (same bytes).
    const proxySha = o.video ? v.proxies?.[String(o.variation)] : undefined;
    const video =
      proxySha && SHA.test(proxySha)
        ? url(storePath(proxySha, 'mp4'))
        : o.video && isCurrent
          ? currentTakes.find((t) => t.variation === o.variation)?.video
          : undefined;
    takes.push({ ...take(o.variation, image, thumb, o), ...(video ? clip(video, o) : {}) });
  }
  const prompt = v.fields?.['prompt'];
  return {
    id: v.id,
    n,
    renderedAt: v.render.renderedAt,
    ...(v.render.costUsd !== undefined ? { costUsd: v.render.costUsd } : {}),
    model: v.inputs?.model ?? v.render.model,
    ...(typeof prompt === 'string' ? { prompt } : {}),
    legacy: v.legacy === true,
    current: isCurrent,
    takes,
  };
}

export function storePath(sha: string, ext: string): string {
  return `.dailies/store/${sha.slice(0, 2)}/${sha}.${ext}`;
}
