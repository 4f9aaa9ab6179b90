// The output stage of a text-to-speech job: the line's audio is streamed to .dailies/tmp (bounded, hashed
// on the way, like an image), proved by decoding all of it with ffmpeg (an HTML error page or a cut-off
// file is a clear error for that line, never a silent gap in the cut), then kept in the content store.
// The result cache entry is what the animatic reads: a spoken line never lands in renders/ or project.json.
import { promises as fs } from 'node:fs';
import type { CachedResult } from '../cache/resultCache';
import { runFfmpeg } from '../cut/runner';
import type { DownloadedFile } from '../media/download';
import type { OutputRecord } from '../project/schema';
import type { Provider, ProviderOutput } from '../providers/types';
import { DailiesError, toDailiesError } from '../util/errors';
import type { JobRunnerDeps } from './jobTypes';
import { ffmpegFor } from './jobVideo';
import type { PlannedJob } from './plan';

export async function storeAudioOutput(
  deps: JobRunnerDeps,
  job: PlannedJob,
  provider: Provider,
  output: ProviderOutput,
  download: (url: string) => Promise<DownloadedFile>,
  signal: AbortSignal,
): Promise<CachedResult> {
  if (output.kind !== 'url') throw new DailiesError('bad-output', 'The speech model returned no audio URL');
  deps.sink.job(job, 'downloading');
  const file = await download(output.url);
  let adopted = false;
  try {
    const audio = await deps.scheduler.media.run(
      () => decodeAudio(ffmpegFor(deps), file.file, signal),
      signal,
    );
    const sha256 = await deps.store.adopt(file.file, file.sha256, audio.ext);
    adopted = true;
    const entry: CachedResult = {
      key: job.key,
      sha256,
      ext: audio.ext,
      width: 0,
      height: 0,
      provider: provider.id,
      model: job.request.model.id,
      seed: 0,
      createdAt: Date.now(),
      audio: { seconds: audio.seconds },
    };
    await deps.results.put(entry);
    return entry;
  } finally {
    if (!adopted) await fs.rm(file.file, { force: true });
  }
}

/** Decodes every sample (`-xerror`: the first damaged frame fails it) and reads the format and length. */
export async function decodeAudio(
  ffmpeg: string,
  file: string,
  signal?: AbortSignal,
): Promise<{ ext: string; seconds: number }> {
  let run: Awaited<ReturnType<typeof runFfmpeg>>;
  try {
    run = await runFfmpeg(ffmpeg, ['-v', 'info', '-xerror', '-i', file, '-map', '0:a:0', '-f', 'null', '-'], {
      signal,
      timeoutMs: 60_000,
    });
  } catch (err) {
    const e = toDailiesError(err);
    if (e.code === 'canceled') throw e;
    throw new DailiesError('bad-output', `the spoken line is not audio (it cannot be decoded): ${e.message}`);
  }
  const seconds = run.progress.outTimeUs / 1e6;
  if (!(seconds > 0)) throw new DailiesError('bad-output', 'the spoken line is not audio (it has no sound)');
  const format = /Input #0, ([\w,]+), from/.exec(run.stderrHead)?.[1] ?? '';
  const ext = format.split(',').includes('mp3') ? 'mp3' : format.includes('wav') ? 'wav' : 'audio';
  return { ext, seconds: Math.round(seconds * 1000) / 1000 };
}

/** A spoken line as a job outcome: nothing goes to renders/, the store holds it by content. */
export function audioRecord(job: PlannedJob, r: CachedResult): OutputRecord {
  return { variation: job.variation, image: '', sha256: r.sha256 };
}
