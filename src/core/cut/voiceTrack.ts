// The scratch-voice track: every dialogue line whose speech is in the result cache (rendered by a batch on
// the project's TTS model) laid at its cue, over silence as long as the cut, encoded as MP3 (VS Code's
// webviews cannot play AAC) into `cut/voice.mp3`. The track is cached by what it is made of (each line's
// audio hash and start, the cut's length): the picture is never touched, and a changed line only changes
// this mix. Lines not rendered yet are silent here (their subtitles still show). Offline: no track.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ContentStore } from '../cache/contentStore';
import { ResultCache } from '../cache/resultCache';
import type { ProjectPaths } from '../project/paths';
import type { Project } from '../project/schema';
import { ModelRegistry } from '../providers/registry';
import { sha256 } from '../util/hash';
import { voiceKey, voiceModel } from '../voice/plan';
import { runFfmpeg } from './runner';
import { type Timeline, voiceCues } from './timeline';

export const VOICE_TRACK = 'cut/voice.mp3';

export interface VoiceTrackOptions {
  paths: ProjectPaths;
  project: Project;
  timeline: Timeline;
  ffmpeg: string;
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
}

/** Builds (or reuses) the voice track; undefined when no line has speech (the animatic stays silent). */
export async function voiceTrack(o: VoiceTrackOptions): Promise<string | undefined> {
  let model: ReturnType<typeof voiceModel>;
  try {
    model = voiceModel(o.project, new ModelRegistry());
  } catch {
    return undefined; // a bad voice model: the validator warns, the cut keeps its subtitles
  }
  if (!model) return undefined;
  const store = new ContentStore(o.paths.data('store'));
  const results = new ResultCache(o.paths.data('results'), store, { ttlMs: 60_000, maxEntries: 1000 });
  const params = { ...model.params, ...(o.project.voice?.params ?? {}) };
  const voices = o.project.voice?.voices ?? {};
  const laid: { file: string; sha: string; startS: number }[] = [];
  for (const cue of voiceCues(o.timeline)) {
    const voice = voices[cue.speaker] ?? model.tts!.defaultVoice;
    const hit = await results.get(voiceKey(model, params, voice, cue.text));
    if (hit?.audio)
      laid.push({ file: store.pathOf(hit.sha256, hit.ext), sha: hit.sha256, startS: cue.startS });
  }
  if (laid.length === 0) return undefined;
  const seconds = o.timeline.totalFrames / o.timeline.fps;
  const key = sha256(JSON.stringify({ v: 1, seconds, laid: laid.map((l) => [l.sha, l.startS]) }));
  const cached = o.paths.data('cut', 'voice', `${key}.mp3`);
  const out = o.paths.resolveFile(VOICE_TRACK).abs;
  await fs.mkdir(path.dirname(cached), { recursive: true });
  if (!(await exists(cached))) {
    const temp = `${cached}.${process.pid}.partial.mp3`;
    try {
      await mix(o, laid, seconds, temp);
      await fs.rename(temp, cached);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }
  await fs.mkdir(path.dirname(out), { recursive: true });
  const temp = path.join(path.dirname(out), `.voice.${process.pid}.partial.mp3`);
  await fs.copyFile(cached, temp);
  await fs.rename(temp, out);
  return out;
}

/**
 * Silence of the cut's length first (amix ends with its first input), then each line delayed to its cue.
 * ffmpeg 4.1's amix divides by the input count, so the sum is scaled back up.
 */
async function mix(
  o: VoiceTrackOptions,
  laid: { file: string; startS: number }[],
  seconds: number,
  out: string,
) {
  const inputs = ['-f', 'lavfi', '-t', seconds.toFixed(3), '-i', 'anullsrc=r=44100:cl=mono'];
  const chains: string[] = [];
  laid.forEach((l, i) => {
    inputs.push('-i', l.file);
    const ms = Math.round(l.startS * 1000);
    chains.push(`[${i + 1}:a]aresample=44100,aformat=channel_layouts=mono,adelay=${ms}[l${i}]`);
  });
  const n = laid.length + 1;
  const labels = ['[0:a]', ...laid.map((_, i) => `[l${i}]`)].join('');
  const filter = `${chains.join(';')};${labels}amix=inputs=${n}:duration=first:dropout_transition=0,volume=${n}[out]`;
  await runFfmpeg(
    o.ffmpeg,
    [
      '-v',
      'error',
      '-y',
      ...inputs,
      '-filter_complex',
      filter,
      '-map',
      '[out]',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '96k',
      '-f',
      'mp3',
      out,
    ],
    { signal: o.signal, onSpawn: o.onSpawn },
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
}
