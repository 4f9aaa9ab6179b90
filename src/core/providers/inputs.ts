// A GenerationRequest → the JSON input of a cloud model, following the registry's mapping.
import { DailiesError } from '../util/errors';
import type { GenerationRequest, VideoModelInfo } from './types';

const FAL_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'];
const REPLICATE_RATIOS = ['21:9', '16:9', '3:2', '5:4', '4:3', '1:1', '3:4', '4:5', '2:3', '9:16', '9:21'];

/** The supported ratio closest to the wanted one (compared in log space, so 2:1 and 1:2 are symmetric). */
export function nearestRatio(aspectRatio: string, supported: readonly string[]): string {
  const value = (r: string) => {
    const [w, h] = r.split(':').map(Number);
    return w && h ? Math.log(w / h) : 0;
  };
  const want = value(aspectRatio);
  return [...supported].sort((a, b) => Math.abs(value(a) - want) - Math.abs(value(b) - want))[0] ?? '16:9';
}

export function buildInput(req: GenerationRequest, provider: 'fal' | 'replicate'): Record<string, unknown> {
  const m = req.model;
  if (m.video) return videoInput(req, m.video);
  if (m.tts) {
    if (!req.tts) throw new DailiesError('validation', `${req.shotId}: no line to speak for ${m.id}`);
    return { ...req.params, [m.tts.textInput]: req.tts.text, [m.tts.voiceInput]: req.tts.voice };
  }
  const input: Record<string, unknown> = { ...req.params, prompt: req.prompt };
  if (m.seedInput) input[m.seedInput] = req.seed;
  if (m.stepsInput) input[m.stepsInput] = req.steps;
  if (m.sizeInput === 'image_size') input.image_size = { width: req.width, height: req.height };
  else if (m.sizeInput === 'aspect_ratio') {
    input.aspect_ratio = nearestRatio(req.aspectRatio, provider === 'fal' ? FAL_RATIOS : REPLICATE_RATIOS);
  } else if (m.sizeInput === 'width_height') {
    input.width = req.width;
    input.height = req.height;
  }
  if (m.refsInput) {
    const urls = req.refs
      .map((r) => r.url ?? req.refUrls.get(r.sha256))
      .filter((u): u is string => typeof u === 'string');
    if (urls.length) input[m.refsInput] = m.refsAs === 'single' ? urls[0] : urls;
  }
  if (provider === 'fal') input.num_images = 1;
  else input.num_outputs = 1;
  return input;
}

/** An image-to-video model's input: the prompt, the start (end) frame URLs and the clip length. */
function videoInput(req: GenerationRequest, video: VideoModelInfo): Record<string, unknown> {
  const input: Record<string, unknown> = { ...req.params, prompt: req.prompt };
  if (req.model.seedInput) input[req.model.seedInput] = req.seed;
  const urlOf = (role: 'start' | 'end') => {
    const ref = req.refs.find((r) => r.role === role);
    return ref ? (ref.url ?? req.refUrls.get(ref.sha256)) : undefined;
  };
  const start = urlOf('start');
  // The plan refuses a video shot without a start frame; this is the last line before a paid submit.
  if (!start) throw new DailiesError('validation', `${req.shotId}: no start frame URL for ${req.model.id}`);
  input[video.startInput] = start;
  const end = urlOf('end');
  if (end && video.endInput) input[video.endInput] = end;
  if (video.durationInput && req.video) {
    input[video.durationInput] =
      video.durationAs === 'string' ? String(req.video.seconds) : req.video.seconds;
  }
  return input;
}

/** Step progress from a model's log lines: tqdm (`45%|…| 9/20`) or `step 9/20` / `9/20 steps`. */
export function stepFromLogs(lines: readonly string[]): { step: number; steps: number } | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const m = /(\d+)\s*\/\s*(\d+)/.exec(line.includes('|') ? (line.split('|').pop() ?? '') : line);
    if (m && /\b(step|it\/s|s\/it|%)|^\s*\d+\s*\/\s*\d+/i.test(line)) {
      const step = Number(m[1]);
      const steps = Number(m[2]);
      if (steps > 0 && step <= steps) return { step, steps };
    }
  }
  return undefined;
}
