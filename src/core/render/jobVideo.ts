// The output stage of a video job: the clip is streamed to .dailies/tmp (bounded, hashed on the way, like
// an image), proved by decoding it with ffmpeg (see media/video.ts), and turned into a poster frame, a
// WebP thumbnail and a small H.264 review proxy — all stored by content, then linked into renders/. The
// poster is the take's `image`, so every view that shows images shows a video take too.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CachedResult, CachedVideo } from '../cache/resultCache';
import { locateFfmpeg } from '../cut/ffmpeg';
import type { DownloadedFile } from '../media/download';
import { makeThumbnail } from '../media/image';
import { makeReviewMedia } from '../media/video';
import type { OutputRecord } from '../project/schema';
import type { Provider, ProviderOutput } from '../providers/types';
import { DailiesError } from '../util/errors';
import { sha256, sha256File } from '../util/hash';
import type { JobRunnerDeps } from './jobTypes';
import type { PlannedJob } from './plan';

export type Downloader = (url: string) => Promise<DownloadedFile>;

export function ffmpegFor(deps: Pick<JobRunnerDeps, 'config'>): string {
  return locateFfmpeg({ setting: deps.config.ffmpegPath }).path;
}

export async function storeVideoOutput(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  output: ProviderOutput,
  download: Downloader,
  signal: AbortSignal,
): Promise<CachedResult> {
  const { store, paths, sink } = deps;
  sink.job(job, 'downloading');
  const tmp = paths.data('tmp');
  const source = output.kind === 'url' ? await download(output.url) : await writeTemp(tmp, output.data);
  const work = path.join(tmp, `video-${process.pid}-${randomBytes(6).toString('hex')}`);
  let adopted = false;
  try {
    sink.job(job, 'thumbnail');
    const ffmpeg = ffmpegFor(deps);
    const media = await deps.scheduler.media.run(
      () => makeReviewMedia(source.file, work, { ffmpeg, signal }),
      signal,
    );
    const thumbnail = await makeThumbnail(media.poster.file, deps.config.thumbnails).catch((err: unknown) => {
      throw new DailiesError(
        'bad-output',
        `the video's poster frame cannot be read: ${(err as Error).message}`,
      );
    });
    const ext = containerExt(media.probe.format);
    const [posterSha, proxySha] = await Promise.all([
      adoptFile(deps, media.poster.file, 'jpg'),
      adoptFile(deps, media.proxy.file, 'mp4'),
    ]);
    const videoSha = await store.adopt(source.file, source.sha256, ext);
    adopted = true;
    const thumbSha256 = await store.put(thumbnail, 'webp');
    const video: CachedVideo = {
      sha256: videoSha,
      ext,
      proxySha256: proxySha,
      seconds: Math.round(media.seconds * 1000) / 1000,
      frames: media.frames,
      fps: media.probe.fps,
      width: media.probe.width,
      height: media.probe.height,
      codec: media.probe.codec,
    };
    const entry: CachedResult = {
      key: job.key,
      sha256: posterSha,
      ext: 'jpg',
      width: media.probe.width,
      height: media.probe.height,
      provider: provider.id,
      model: job.request.model.id,
      seed: job.request.seed,
      createdAt: Date.now(),
      thumbSha256,
      video,
    };
    await deps.results.put(entry);
    return entry;
  } finally {
    if (!adopted) await fs.rm(source.file, { force: true });
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The clip and its proxy into renders/ beside the poster; a lost proxy is made again from the clip. */
export async function materializeVideo(
  deps: Pick<JobRunnerDeps, 'store' | 'paths' | 'config'>,
  base: string,
  video: CachedVideo,
): Promise<Partial<OutputRecord>> {
  const { store, paths } = deps;
  const file = `${base}.${video.ext}`;
  await store.materialize(video.sha256, video.ext, await paths.destination(file));
  let proxySha = video.proxySha256;
  if (!(await store.verify(proxySha, 'mp4'))) proxySha = await remakeProxy(deps, video);
  const proxy = `${base}.proxy.mp4`;
  await store.materialize(proxySha, 'mp4', await paths.destination(proxy));
  return {
    video: file,
    proxy,
    videoSha256: video.sha256,
    seconds: video.seconds,
    frames: video.frames,
    ...(video.fps ? { fps: video.fps } : {}),
  };
}

async function remakeProxy(deps: Pick<JobRunnerDeps, 'store' | 'paths' | 'config'>, video: CachedVideo) {
  const work = deps.paths.data('tmp', `proxy-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    // The store may be a team's shared one with no local path: the clip is read (and verified) through it.
    const bytes = await deps.store.read(video.sha256, video.ext);
    if (!bytes) throw new DailiesError('bad-output', 'The stored clip is damaged; render the shot again');
    await fs.mkdir(work, { recursive: true });
    const source = path.join(work, `source.${video.ext}`);
    await fs.writeFile(source, bytes);
    const media = await makeReviewMedia(source, work, {
      ffmpeg: ffmpegFor(deps),
    });
    return await deps.store.put(await fs.readFile(media.proxy.file), 'mp4');
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function adoptFile(deps: Pick<JobRunnerDeps, 'store'>, file: string, ext: string): Promise<string> {
  const { sha256: digest } = await sha256File(file);
  return deps.store.adopt(file, digest, ext);
}

/** The draft hands its clip over as bytes: it goes through the same temp file as a download. */
async function writeTemp(dir: string, data: Uint8Array): Promise<DownloadedFile> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `dl-${process.pid}-${randomBytes(6).toString('hex')}.part`);
  await fs.writeFile(file, data, { flag: 'wx' });
  return { file, sha256: sha256(data), size: data.byteLength, contentType: 'video/mp4' };
}

function containerExt(format: string): string {
  const names = format.split(',');
  if (names.includes('mp4') || names.includes('mov')) return 'mp4';
  return names.includes('webm') ? 'webm' : 'mkv';
}
