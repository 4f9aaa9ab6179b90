// The draft provider's storyboard frame, drawn with sharp: the scene's decor as the plate, the cast's
// refs as figures, the shot's own ref as an inset, the shot id, prompt and variation as a slate —
// deterministic by seed. Pure pixel work with no engine state, so it runs in a media worker.
//
// Why it is fast: every layer stays raw pixels and is laid onto the frame by plain loops over only the
// pixels it covers (pixels.ts) — no PNG or JPEG encode and decode between layers, no frame-sized libvips
// composite per layer, no LCh round trip for the colour grade — and the frame is encoded once, with
// libjpeg-turbo (mozjpeg's trellis search cost more than the rest of the frame, for a draft nobody keeps).
// sharp still decodes and scales the refs and draws the text.
import { DailiesError } from '../util/errors';
import { seededRandom } from '../util/random';
import { checkedMetadata, DECODE_LIMITS } from './limits';
import {
  applyGain,
  blendOver,
  colorMatrix,
  fillRect,
  type Pixels,
  roundedCard,
  vignetteGain,
} from './pixels';
import { sharp } from './sharpSetup';

export interface DraftRef {
  role: 'cast' | 'decor' | 'shot';
  owner: string;
  label: string;
  abs?: string;
  rel?: string;
  source?: string;
}

/** What a frame shows: the parts of a generation request the drawing reads (structured-cloneable). */
export interface DraftFrameSpec {
  shotId: string;
  variation: number;
  variations: number;
  prompt: string;
  seed: number;
  steps: number;
  width: number;
  height: number;
  aspectRatio: string;
  refs: DraftRef[];
  labels: { scene?: string; cast: string[] };
}

type Raw = Pixels & { data: Buffer };

async function raw(pipeline: import('sharp').Sharp): Promise<Raw> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

export async function drawFrame(req: DraftFrameSpec): Promise<Buffer> {
  const { width: W, height: H } = req;
  const rand = seededRandom(req.seed);
  const hue = Math.floor(rand() * 360);
  const local = (role: DraftRef['role']) => req.refs.filter((r) => r.role === role && r.abs);

  const decor = local('decor');
  const plateRef = decor.length ? decor[Math.floor(rand() * decor.length)] : undefined;
  // The plate comes tinted toward the shot's hue (in the decor's colour grade, or in the gradient).
  const frame = plateRef ? await loadPlate(plateRef, W, H, hue, rand) : await gradientPlate(W, H, hue, rand);

  const cast = local('cast');
  const byOwner = new Map<string, DraftRef>();
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
    blendOver(frame, await figure(ref, figW, figH), left, top);
  }

  const inset = local('shot')[0];
  if (inset) {
    const iw = Math.round(W * 0.18);
    const ih = Math.round(iw * 0.75);
    blendOver(frame, await insetImage(inset, iw, ih), W - iw - Math.round(W * 0.03), Math.round(H * 0.12));
  }

  applyGain(frame, vignette(W, H));
  await drawSlate(frame, req, rand);
  return sharp(frame.data, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 86 })
    .toBuffer();
}

/**
 * The decor, darkened, desaturated and tinted toward the shot's hue. One colour matrix does all three
 * (sharp's modulate goes through LCh and back, which cost more than the rest of the frame). A plate
 * under a grade, a vignette and a slate needs no Lanczos: bilinear scaling costs a third less.
 */
async function loadPlate(ref: DraftRef, W: number, H: number, hue: number, rand: () => number): Promise<Raw> {
  const position = ['centre', 'left', 'right', 'top', 'bottom'][Math.floor(rand() * 5)] ?? 'centre';
  const brightness = 0.72 + rand() * 0.2;
  const saturation = 0.55 + rand() * 0.3;
  let plate: Raw;
  try {
    plate = await raw(
      (await refImage(ref)).rotate().resize(W, H, { fit: 'cover', position, kernel: 'linear' }).removeAlpha(),
    );
  } catch (err) {
    throw badRef(ref, err);
  }
  const [m, offset] = grade(brightness, saturation, hue);
  colorMatrix(plate, m, offset);
  return plate;
}

/** Brightness × saturation (toward Rec. 601 luma), then 10 % of the shot's hue laid over it. */
function grade(
  brightness: number,
  saturation: number,
  hue: number,
): [[[number, number, number], [number, number, number], [number, number, number]], number[]] {
  const luma = [0.299, 0.587, 0.114] as const;
  const row = (i: number): [number, number, number] =>
    [0, 1, 2].map((j) => 0.9 * brightness * ((1 - saturation) * luma[j]! + (i === j ? saturation : 0))) as [
      number,
      number,
      number,
    ];
  return [[row(0), row(1), row(2)], hslToRgb(hue, 0.6, 0.4).map((c) => 0.1 * c)];
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [255 * f(0), 255 * f(8), 255 * f(4)];
}

/** A two-stop gradient is smooth: drawn at 1/8 size and scaled up it looks the same, for a tenth of the cost. */
async function gradientPlate(W: number, H: number, hue: number, rand: () => number): Promise<Raw> {
  const w = Math.max(8, Math.ceil(W / 8));
  const h = Math.max(8, Math.ceil(H / 8));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${rand().toFixed(2)}" y2="1">
      <stop offset="0" stop-color="hsl(${hue},35%,22%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},30%,8%)"/>
    </linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>
    <rect width="100%" height="100%" fill="hsl(${hue},60%,40%)" fill-opacity="0.10"/></svg>`;
  return raw(sharp(Buffer.from(svg)).removeAlpha().resize(W, H, { fit: 'fill', kernel: 'linear' }));
}

// The vignette depends only on the frame size: computed once per size (a handful per production).
const vignettes = new Map<string, Uint8Array>();

function vignette(W: number, H: number): Uint8Array {
  const key = `${W}x${H}`;
  let v = vignettes.get(key);
  if (!v) {
    v = vignetteGain(W, H);
    if (vignettes.size >= 8) vignettes.delete(vignettes.keys().next().value as string);
    vignettes.set(key, v);
  }
  return v;
}

async function figure(ref: DraftRef, w: number, h: number): Promise<Pixels> {
  let img: Raw;
  try {
    img = await raw((await refImage(ref)).rotate().resize(w, h, { fit: 'cover', position: 'top' }));
  } catch (err) {
    throw badRef(ref, err);
  }
  return roundedCard(img, Math.round(w * 0.06));
}

async function insetImage(ref: DraftRef, w: number, h: number): Promise<Raw> {
  try {
    return await raw(
      (await refImage(ref))
        .rotate()
        .resize(w - 6, h - 6, { fit: 'cover', kernel: 'linear' })
        .removeAlpha()
        .extend({ top: 3, bottom: 3, left: 3, right: 3, background: '#f2f2f2' }),
    );
  } catch (err) {
    throw badRef(ref, err);
  }
}

/** A ref's pixels, after its header showed they are within the limit (a bomb is refused undecoded). */
async function refImage(ref: DraftRef) {
  const notImage = () => new DailiesError('ref-not-image', 'not an image');
  await checkedMetadata(ref.abs!, 'ref-too-large', notImage, 'is');
  return sharp(ref.abs!, { ...DECODE_LIMITS, failOn: 'error' });
}

function badRef(ref: DraftRef, err: unknown): DailiesError {
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

/**
 * The slate: rule-of-thirds lines, a top bar (shot, scene, variation, seed, steps) and a caption band
 * (prompt, cast, lens). Bars and lines are filled directly; only the text goes through SVG, as two
 * strips the size of the bars.
 */
async function drawSlate(frame: Raw, req: DraftFrameSpec, rand: () => number): Promise<void> {
  const { width: W, height: H } = frame;
  const u = H / 100;
  const bar = Math.round(u * 9);
  const font = `font-family="DejaVu Sans, Helvetica, Arial, sans-serif"`;
  const lines = wrap(req.prompt, Math.max(30, Math.floor(W / (u * 1.95))), 2);
  const cast = req.labels.cast.length ? req.labels.cast.join(' · ') : '';
  const right = `V${req.variation}/${req.variations}  ·  SEED ${req.seed}  ·  ${req.steps} STEPS`;
  const named = /\b(\d{2,3})\s?mm\b/i.exec(req.prompt)?.[1];
  const lens = named ? `${named}mm` : ['18mm', '24mm', '35mm', '50mm', '85mm'][Math.floor(rand() * 5)];
  const bandTop = Math.floor(H - bar * 2.6);
  const white = [255, 255, 255] as const;
  const black = [0, 0, 0] as const;
  for (const i of [1, 2]) {
    fillRect(frame, (W * i) / 3, bar, 1, bandTop - bar, white, 0.16);
    fillRect(frame, 0, bar + ((H - bar * 3.6) * i) / 3, W, 1, white, 0.16);
  }
  fillRect(frame, 0, 0, W, bar, black, 0.78);
  fillRect(frame, 0, H - bar * 2.6, W, bar * 2.6, black, 0.72);
  const strip = (h: number, body: string) =>
    raw(
      sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}">${body}</svg>`)),
    );
  const y = (v: number) => v - bandTop;
  const [top, band] = await Promise.all([
    strip(
      bar,
      `<text x="${u * 2}" y="${bar * 0.68}" ${font} font-size="${u * 4.6}" font-weight="bold" fill="#ffd27a">${esc(req.shotId)}</text>
  <text x="${u * 2 + u * 4.6 * 0.62 * (req.shotId.length + 1.5)}" y="${bar * 0.68}" ${font} font-size="${u * 3.3}" fill="#e8e8e8">${esc(req.labels.scene ?? '')}</text>
  <text x="${W - u * 2}" y="${bar * 0.68}" ${font} font-size="${u * 3.1}" fill="#e8e8e8" text-anchor="end">${esc(right)}</text>`,
    ),
    strip(
      H - bandTop,
      `${lines.map((l, i) => `<text x="${u * 2}" y="${y(H - bar * 2.6 + u * 6.2 + i * u * 5.4)}" ${font} font-size="${u * 3.9}" fill="#f4f4f4">${esc(l)}</text>`).join('')}
  <text x="${u * 2}" y="${y(H - u * 2.2)}" ${font} font-size="${u * 3}" fill="#9fd3ff">${esc(cast)}</text>
  <text x="${W - u * 2}" y="${y(H - u * 2.2)}" ${font} font-size="${u * 3}" fill="#bbbbbb" text-anchor="end">DRAFT · ${esc(req.aspectRatio)} · ${lens}</text>`,
    ),
  ]);
  blendOver(frame, top, 0, 0);
  blendOver(frame, band, 0, bandTop);
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
