// The embedded default provider: no key, no network. It draws a real storyboard frame with sharp — the
// scene's decor as the plate, the cast's refs as figures, the shot id, prompt and variation as a slate —
// deterministic by seed, with simulated steps and latency so it can stand in for a cloud model.
import { locateFfmpeg } from '../cut/ffmpeg';
import { draftVideo } from '../media/draftVideo';
import { checkedMetadata, DECODE_LIMITS } from '../media/image';
import { sharp } from '../media/sharpSetup';
import { AdaptiveLimiter } from '../render/limiter';
import { sleep, throwIfAborted } from '../util/abort';
import { DailiesError } from '../util/errors';
import { seededRandom } from '../util/random';
import type { GenerationRequest, GenerationResult, Provider, ProviderContext, RefInput } from './types';

export interface DraftOptions {
  /** Simulated generation time per variation, spread over the steps. */
  latencyMs: number;
  /** ± this much, deterministic per seed, so a simulated batch has the uneven durations of a real one. */
  jitterMs?: number;
  /** Steps reported when the shot names none. */
  steps?: number;
  /** ffmpeg for draft videos (absolute); the bundled one when unset. */
  ffmpegPath?: string;
}

type Composite = import('sharp').OverlayOptions;

// Frames are drawn two at a time. Started all at once, every in-flight frame shares the thread pool and
// they all finish together at the end of the batch; queued, they finish one wave after another.
const drawing = new AdaptiveLimiter('draft-frames', 2);

export class DraftProvider implements Provider {
  readonly id = 'draft' as const;
  readonly needsUploads = false;

  constructor(private options: DraftOptions) {}

  configure(options: DraftOptions): void {
    this.options = options;
  }

  fingerprint(request: GenerationRequest): Record<string, unknown> {
    // The frame prints these, so they are inputs too (the draft look itself is versioned by `draft`).
    const base = { draft: 2, shotId: request.shotId, labels: request.labels, variations: request.variations };
    return request.model.video ? { ...base, draftVideo: 1 } : base;
  }

  async generate(request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    if (request.model.video) return this.generateVideo(request, ctx);
    const started = Date.now();
    ctx.onSubmitted(`draft-${request.shotId}-v${request.variation}-${started.toString(36)}`);
    const steps = Math.max(1, request.steps);
    const jitter = this.options.jitterMs
      ? (seededRandom(request.seed ^ 0x5bd1e995)() * 2 - 1) * this.options.jitterMs
      : 0;
    const stepMs = Math.max(0, this.options.latencyMs + jitter) / steps;
    const frame = drawing.run(() => renderFrame(request));
    // Drawing overlaps the simulated steps; mark it handled so an early failure waits for the await below.
    frame.catch(() => undefined);
    for (let step = 1; step <= steps; step++) {
      throwIfAborted(ctx.signal);
      if (stepMs > 0) await sleep(stepMs, ctx.signal);
      ctx.onProgress({ state: 'running', step, steps });
    }
    const data = await frame;
    throwIfAborted(ctx.signal);
    return { outputs: [{ kind: 'bytes', data, mime: 'image/jpeg' }], runMs: Date.now() - started };
  }

  /** A real short H.264 clip of the start frame with a camera move (see media/draftVideo.ts). */
  private async generateVideo(request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult> {
    const started = Date.now();
    const start = request.refs.find((r) => r.role === 'start');
    if (!start?.abs) {
      throw new DailiesError(
        'validation',
        start
          ? `${start.source ?? 'from'}: the draft provider works offline; its start frame must be an image in the project, not a URL`
          : `${request.shotId}: a video needs a start frame`,
      );
    }
    if (!ctx.scratchDir) throw new DailiesError('internal', 'The draft video has no scratch folder');
    const ffmpeg = locateFfmpeg({ setting: this.options.ffmpegPath }).path;
    ctx.onSubmitted(`draft-${request.shotId}-v${request.variation}-${started.toString(36)}`);
    const data = await drawing.run(
      () =>
        draftVideo({
          start: start.abs!,
          aspectRatio: request.aspectRatio,
          seconds: request.video?.seconds ?? 3,
          seed: request.seed,
          ffmpeg,
          scratchDir: ctx.scratchDir!,
          signal: ctx.signal,
          onFrame: (step, steps) => ctx.onProgress({ state: 'running', step, steps }),
        }),
      ctx.signal,
    );
    return { outputs: [{ kind: 'bytes', data, mime: 'video/mp4' }], runMs: Date.now() - started };
  }
}

async function renderFrame(req: GenerationRequest): Promise<Buffer> {
  const { width: W, height: H } = req;
  const rand = seededRandom(req.seed);
  const hue = Math.floor(rand() * 360);
  const local = (role: RefInput['role']) => req.refs.filter((r) => r.role === role && r.abs);
  const layers: Composite[] = [];

  const decor = local('decor');
  const plateRef = decor.length ? decor[Math.floor(rand() * decor.length)] : undefined;
  const plate = plateRef ? await loadPlate(plateRef, W, H, rand) : await gradientPlate(W, H, hue, rand);

  const cast = local('cast');
  const byOwner = new Map<string, RefInput>();
  for (const r of cast) if (!byOwner.has(r.owner) || rand() < 0.5) byOwner.set(r.owner, r);
  const figures = [...byOwner.values()].slice(0, 4);
  // Figures stand between the top slate and the caption band (9 % and 23.4 % of the height).
  const stageTop = H * 0.09;
  const stageBottom = H * (1 - 0.234) - H * 0.015;
  const figH = Math.round((stageBottom - stageTop) * (0.72 + rand() * 0.22));
  const slots = figures.length;
  for (let i = 0; i < slots; i++) {
    const ref = figures[i]!;
    const figW = Math.round(figH * 0.72);
    const spread = W * 0.78;
    const cx =
      W * 0.11 +
      (slots === 1 ? spread * (0.3 + rand() * 0.4) : (spread * (i + 0.5)) / slots) +
      (rand() - 0.5) * W * 0.04;
    const left = clamp(Math.round(cx - figW / 2), 0, W - figW);
    const top = clamp(Math.round(stageBottom - figH - rand() * H * 0.03), Math.round(stageTop), H - figH);
    layers.push({ input: await figure(ref, figW, figH), left, top });
  }

  const inset = local('shot')[0];
  if (inset) {
    const iw = Math.round(W * 0.18);
    const ih = Math.round(iw * 0.75);
    layers.push({
      input: await insetImage(inset, iw, ih),
      left: W - iw - Math.round(W * 0.03),
      top: Math.round(H * 0.12),
    });
  }

  layers.push({ input: Buffer.from(slateSvg(req, W, H, hue, rand)), left: 0, top: 0 });
  return sharp(plate).composite(layers).jpeg({ quality: 86, mozjpeg: true }).toBuffer();
}

async function loadPlate(ref: RefInput, W: number, H: number, rand: () => number): Promise<Buffer> {
  try {
    const position = ['centre', 'left', 'right', 'top', 'bottom'][Math.floor(rand() * 5)] ?? 'centre';
    return (await refImage(ref))
      .rotate()
      .resize(W, H, { fit: 'cover', position })
      .modulate({ brightness: 0.72 + rand() * 0.2, saturation: 0.55 + rand() * 0.3 })
      .toBuffer();
  } catch (err) {
    throw badRef(ref, err);
  }
}

async function gradientPlate(W: number, H: number, hue: number, rand: () => number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${rand().toFixed(2)}" y2="1">
      <stop offset="0" stop-color="hsl(${hue},35%,22%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},30%,8%)"/>
    </linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function figure(ref: RefInput, w: number, h: number): Promise<Buffer> {
  const r = Math.round(w * 0.06);
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect x="0" y="0" width="${w}" height="${h}" rx="${r}" ry="${r}"/></svg>`,
  );
  const border = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect x="2" y="2" width="${w - 4}" height="${h - 4}" rx="${r}" ry="${r}" fill="none" stroke="rgba(255,255,255,0.85)" stroke-width="4"/></svg>`,
  );
  try {
    return (await refImage(ref))
      .rotate()
      .resize(w, h, { fit: 'cover', position: 'top' })
      .composite([
        { input: mask, blend: 'dest-in' },
        { input: border, blend: 'over' },
      ])
      .png()
      .toBuffer();
  } catch (err) {
    throw badRef(ref, err);
  }
}

async function insetImage(ref: RefInput, w: number, h: number): Promise<Buffer> {
  try {
    return (await refImage(ref))
      .rotate()
      .resize(w - 6, h - 6, { fit: 'cover' })
      .extend({ top: 3, bottom: 3, left: 3, right: 3, background: '#f2f2f2' })
      .png()
      .toBuffer();
  } catch (err) {
    throw badRef(ref, err);
  }
}

/** A ref's pixels, after its header showed they are within the limit (a bomb is refused undecoded). */
async function refImage(ref: RefInput) {
  const notImage = () => new DailiesError('ref-not-image', 'not an image');
  await checkedMetadata(ref.abs!, 'ref-too-large', notImage, 'is');
  return sharp(ref.abs!, { ...DECODE_LIMITS, failOn: 'error' });
}

function badRef(ref: RefInput, err: unknown): DailiesError {
  const tooLarge = err instanceof DailiesError && err.code === 'ref-too-large';
  const name = `"${ref.rel ?? ref.label}"`;
  const what = tooLarge
    ? `${name} ${err.message}`
    : `${name} is not a readable image (${(err as Error).message})`;
  return new DailiesError(
    tooLarge ? 'ref-too-large' : 'ref-not-image',
    ref.source ? `${ref.source}: reference ${what}` : `Reference ${what}`,
  );
}

function slateSvg(req: GenerationRequest, W: number, H: number, hue: number, rand: () => number): string {
  const u = H / 100;
  const bar = Math.round(u * 9);
  const font = `font-family="DejaVu Sans, Helvetica, Arial, sans-serif"`;
  const lines = wrap(req.prompt, Math.max(30, Math.floor(W / (u * 1.95))), 2);
  const cast = req.labels.cast.length ? req.labels.cast.join(' · ') : '';
  const right = `V${req.variation}/${req.variations}  ·  SEED ${req.seed}  ·  ${req.steps} STEPS`;
  const thirds = [1, 2]
    .map(
      (i) =>
        `<line x1="${(W * i) / 3}" y1="${bar}" x2="${(W * i) / 3}" y2="${H - bar * 2.6}" /><line x1="0" y1="${bar + ((H - bar * 3.6) * i) / 3}" x2="${W}" y2="${bar + ((H - bar * 3.6) * i) / 3}" />`,
    )
    .join('');
  const named = /\b(\d{2,3})\s?mm\b/i.exec(req.prompt)?.[1];
  const lens = named ? `${named}mm` : ['18mm', '24mm', '35mm', '50mm', '85mm'][Math.floor(rand() * 5)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs><radialGradient id="v" cx="50%" cy="50%" r="75%"><stop offset="0.55" stop-color="black" stop-opacity="0"/><stop offset="1" stop-color="black" stop-opacity="0.6"/></radialGradient></defs>
  <rect width="100%" height="100%" fill="url(#v)"/>
  <rect width="100%" height="100%" fill="hsl(${hue},60%,40%)" fill-opacity="0.10"/>
  <g stroke="white" stroke-opacity="0.16" stroke-width="1">${thirds}</g>
  <rect x="0" y="0" width="${W}" height="${bar}" fill="black" fill-opacity="0.78"/>
  <text x="${u * 2}" y="${bar * 0.68}" ${font} font-size="${u * 4.6}" font-weight="bold" fill="#ffd27a">${esc(req.shotId)}</text>
  <text x="${u * 2 + u * 4.6 * 0.62 * (req.shotId.length + 1.5)}" y="${bar * 0.68}" ${font} font-size="${u * 3.3}" fill="#e8e8e8">${esc(req.labels.scene ?? '')}</text>
  <text x="${W - u * 2}" y="${bar * 0.68}" ${font} font-size="${u * 3.1}" fill="#e8e8e8" text-anchor="end">${esc(right)}</text>
  <rect x="0" y="${H - bar * 2.6}" width="${W}" height="${bar * 2.6}" fill="black" fill-opacity="0.72"/>
  ${lines.map((l, i) => `<text x="${u * 2}" y="${H - bar * 2.6 + u * 6.2 + i * u * 5.4}" ${font} font-size="${u * 3.9}" fill="#f4f4f4">${esc(l)}</text>`).join('')}
  <text x="${u * 2}" y="${H - u * 2.2}" ${font} font-size="${u * 3}" fill="#9fd3ff">${esc(cast)}</text>
  <text x="${W - u * 2}" y="${H - u * 2.2}" ${font} font-size="${u * 3}" fill="#bbbbbb" text-anchor="end">DRAFT · ${esc(req.aspectRatio)} · ${lens}</text>
</svg>`;
}

function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > width) {
      lines.push(line);
      line = w;
      if (lines.length === maxLines) break;
    } else line = (line + ' ' + w).trim();
  }
  if (lines.length < maxLines && line) lines.push(line);
  else if (lines.length === maxLines && words.join(' ').length > lines.join(' ').length) {
    lines[maxLines - 1] = `${lines[maxLines - 1]!.replace(/\s+\S*$/, '')}…`;
  }
  return lines;
}

function esc(s: string): string {
  // XML 1.0 forbids most control characters even when escaped; drop them.
  const printable = [...s].filter((c) => c >= ' ' || c === '\t' || c === '\n' || c === '\r').join('');
  return printable.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
