// Raw pixel operations for the draft frame, in plain loops over RGB buffers. libvips' composite converts
// the whole frame to float and back for every call, however small the layer; these touch only the
// pixels a layer covers, and run in a media worker, never on the extension host's thread.

/** An 8-bit RGB (3 channels) or RGBA (4 channels, straight alpha) image. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Lays `src` (RGB or RGBA) over the RGB frame `dst` at (left, top), clipped to the frame. */
export function blendOver(dst: Pixels, src: Pixels, left: number, top: number, opacity = 1): void {
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(dst.width, left + src.width);
  const y1 = Math.min(dst.height, top + src.height);
  const d = dst.data;
  const s = src.data;
  const alpha = src.channels === 4;
  for (let y = y0; y < y1; y++) {
    let di = (y * dst.width + x0) * 3;
    let si = ((y - top) * src.width + (x0 - left)) * src.channels;
    for (let x = x0; x < x1; x++, di += 3, si += src.channels) {
      const a = (alpha ? s[si + 3]! / 255 : 1) * opacity;
      if (a <= 0) continue;
      const b = 1 - a;
      d[di] = s[si]! * a + d[di]! * b + 0.5;
      d[di + 1] = s[si + 1]! * a + d[di + 1]! * b + 0.5;
      d[di + 2] = s[si + 2]! * a + d[di + 2]! * b + 0.5;
    }
  }
}

/** Fills a rectangle with a colour at `opacity` (a translucent bar, a faint rule). */
export function fillRect(
  dst: Pixels,
  left: number,
  top: number,
  width: number,
  height: number,
  rgb: readonly [number, number, number],
  opacity: number,
): void {
  const x0 = Math.max(0, Math.round(left));
  const y0 = Math.max(0, Math.round(top));
  const x1 = Math.min(dst.width, Math.round(left + width));
  const y1 = Math.min(dst.height, Math.round(top + height));
  const d = dst.data;
  // Fixed point (×256): integer multiply and shift instead of float math per channel.
  const keep = Math.round((1 - opacity) * 256);
  const r = Math.round(rgb[0] * opacity * 256) + 128;
  const g = Math.round(rgb[1] * opacity * 256) + 128;
  const b = Math.round(rgb[2] * opacity * 256) + 128;
  for (let y = y0; y < y1; y++) {
    for (let i = (y * dst.width + x0) * 3, end = (y * dst.width + x1) * 3; i < end; i += 3) {
      d[i] = (d[i]! * keep + r) >> 8;
      d[i + 1] = (d[i + 1]! * keep + g) >> 8;
      d[i + 2] = (d[i + 2]! * keep + b) >> 8;
    }
  }
}

/** out = M · rgb + offset for every pixel (a colour grade), clamped to 0–255. */
export function colorMatrix(
  dst: Pixels,
  m: readonly (readonly [number, number, number])[],
  offset: readonly number[],
): void {
  // Fixed point (×1024); the clamped view rounds and clamps on store.
  const d = new Uint8ClampedArray(dst.data.buffer, dst.data.byteOffset, dst.data.byteLength);
  const k = m.map((row) => row.map((v) => Math.round(v * 1024)));
  const [a0, a1, a2] = k[0]!;
  const [b0, b1, b2] = k[1]!;
  const [c0, c1, c2] = k[2]!;
  const o0 = (offset[0] ?? 0) * 1024;
  const o1 = (offset[1] ?? 0) * 1024;
  const o2 = (offset[2] ?? 0) * 1024;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!;
    const g = d[i + 1]!;
    const b = d[i + 2]!;
    d[i] = (a0! * r + a1! * g + a2! * b + o0) / 1024;
    d[i + 1] = (b0! * r + b1! * g + b2! * b + o1) / 1024;
    d[i + 2] = (c0! * r + c1! * g + c2! * b + o2) / 1024;
  }
}

/** Multiplies every pixel by a per-pixel gain (0–255 = 0–1), e.g. a vignette. */
export function applyGain(dst: Pixels, gain: Uint8Array): void {
  const d = dst.data;
  for (let p = 0, i = 0; p < gain.length; p++, i += 3) {
    const g = gain[p]!;
    if (g === 255) continue;
    // (x · 257 + 32896) >> 16 is x / 255 rounded, exactly, for every x ≤ 255 · 255.
    d[i] = (d[i]! * g * 257 + 32896) >> 16;
    d[i + 1] = (d[i + 1]! * g * 257 + 32896) >> 16;
    d[i + 2] = (d[i + 2]! * g * 257 + 32896) >> 16;
  }
}

/**
 * The gain of a radial vignette: transparent to 55 % of the way to the frame's edge (an ellipse of 75 %
 * of each side), darkening to 60 % black at and beyond it — what SVG's radialGradient r="75%" draws.
 */
export function vignetteGain(width: number, height: number): Uint8Array {
  const gain = new Uint8Array(width * height);
  const rx = 0.75 * width;
  const ry = 0.75 * height;
  for (let y = 0; y < height; y++) {
    const dy = (y + 0.5 - height / 2) / ry;
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - width / 2) / rx;
      const t = Math.min(1, Math.max(0, (Math.sqrt(dx * dx + dy * dy) - 0.55) / 0.45));
      gain[y * width + x] = Math.round(255 * (1 - 0.6 * t));
    }
  }
  return gain;
}

/**
 * A figure card: the image with rounded corners (radius r) and a 4 px white border at 85 %, as RGBA.
 * Edges are anti-aliased by coverage of the rounded rectangle.
 */
export function roundedCard(img: Pixels, r: number): Pixels {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h * 4);
  const s = img.data;
  const sc = img.channels;
  // Only pixels near the edge (corners, anti-aliasing, the border) need the distance field.
  const edge = r + 6;
  for (let y = 0; y < h; y++) {
    const nearY = y < edge || y >= h - edge;
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const i = (y * w + x) * sc;
      let cover = 1;
      let stroke = 0;
      if (nearY || x < edge || x >= w - edge) {
        cover = clamp01(0.5 - roundedDistance(x + 0.5, y + 0.5, 0, 0, w, h, r));
        if (cover <= 0) continue;
        // The border's centre line runs 2 px inside the card's edge, 4 px wide.
        stroke = clamp01(2.5 - Math.abs(roundedDistance(x + 0.5, y + 0.5, 2, 2, w - 4, h - 4, r))) * 0.85;
      }
      out[o] = s[i]! * (1 - stroke) + 255 * stroke + 0.5;
      out[o + 1] = s[i + 1]! * (1 - stroke) + 255 * stroke + 0.5;
      out[o + 2] = s[i + 2]! * (1 - stroke) + 255 * stroke + 0.5;
      out[o + 3] = Math.round(255 * cover * (sc === 4 ? s[i + 3]! / 255 : 1));
    }
  }
  return { data: out, width: w, height: h, channels: 4 };
}

/** Signed distance from (px, py) to a rounded rectangle's outline (negative inside). */
function roundedDistance(
  px: number,
  py: number,
  x: number,
  y: number,
  w: number,
  h: number,
  r: number,
): number {
  const hw = w / 2;
  const hh = h / 2;
  const rr = Math.min(r, hw, hh);
  const qx = Math.abs(px - (x + hw)) - (hw - rr);
  const qy = Math.abs(py - (y + hh)) - (hh - rr);
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - rr;
}

function clamp01(v: number): number {
  return Math.max(0, Math.min(1, v));
}
