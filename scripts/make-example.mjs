#!/usr/bin/env node
// Draws the reference images of the bundled example production `examples/night-train/`.
//
//   node scripts/make-example.mjs            redraw every image
//   node scripts/make-example.mjs mara café  redraw only the files whose path contains one of the words
//
// Everything is procedural — SVG built here, rendered by sharp (librsvg), then a seeded film grain and
// the encoder — so the images are deterministic: re-running rewrites the same bytes. Nothing here uses
// text, so the output does not depend on the fonts installed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '..', 'examples', 'night-train');

// ---------------------------------------------------------------------------------------------------
// Small deterministic toolkit

/** mulberry32: tiny seeded PRNG, identical on every platform. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.range = (lo, hi) => lo + next() * (hi - lo);
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  return next;
}

/** Short, stable number formatting keeps the SVG small and the output reproducible. */
const n = (v) => {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
};
const pts = (list) => list.map(([x, y]) => `${n(x)},${n(y)}`).join(' ');
const attrs = (o = {}) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? n(v) : v}"`)
    .join('');

const poly = (list, a) => `<polygon points="${pts(list)}"${attrs(a)}/>`;
const rect = (x, y, w, h, a) => `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"${attrs(a)}/>`;
const circle = (cx, cy, r, a) => `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}"${attrs(a)}/>`;
const ellipse = (cx, cy, rx, ry, a) =>
  `<ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(rx)}" ry="${n(ry)}"${attrs(a)}/>`;
const pathEl = (d, a) => `<path d="${d}"${attrs(a)}/>`;
const group = (body, a) => `<g${attrs(a)}>${Array.isArray(body) ? body.join('') : body}</g>`;

/** Linear gradient; `stops` is a list of [offset, colour, opacity?]. */
function linear(id, [x1, y1, x2, y2], stops, user = false) {
  const units = user ? ' gradientUnits="userSpaceOnUse"' : '';
  return (
    `<linearGradient id="${id}" x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}"${units}>` +
    stops.map(([o, c, a = 1]) => `<stop offset="${o}" stop-color="${c}" stop-opacity="${a}"/>`).join('') +
    '</linearGradient>'
  );
}

function radial(id, stops, extra = {}) {
  return (
    `<radialGradient id="${id}"${attrs(extra)}>` +
    stops.map(([o, c, a = 1]) => `<stop offset="${o}" stop-color="${c}" stop-opacity="${a}"/>`).join('') +
    '</radialGradient>'
  );
}

/** A light source: hot core, soft inverse-square-ish falloff. */
const glowStops = (c) => [
  [0, '#fffaf0', 1],
  [0.05, c, 0.95],
  [0.16, c, 0.5],
  [0.4, c, 0.16],
  [1, c, 0],
];

const blur = (id, sd, extra = '') =>
  `<filter id="${id}" x="-50%" y="-50%" width="200%" height="200%"${extra}><feGaussianBlur stdDeviation="${sd}"/></filter>`;

/** Shared defs: palettes of light, blurs. */
function commonDefs() {
  return [
    radial('gSodium', glowStops('#ff9a2e')),
    radial('gWarm', glowStops('#ffc470')),
    radial('gCold', glowStops('#9cc4ff')),
    radial('gRed', glowStops('#ff3b30')),
    radial('gGreen', glowStops('#3dffa0')),
    radial('gSoft', [
      [0, '#ffffff', 1],
      [0.6, '#ffffff', 0.6],
      [1, '#ffffff', 0],
    ]),
    radial('gBokehW', [
      [0, '#ffb85c', 0.55],
      [0.8, '#ff9a3c', 0.45],
      [1, '#ff9a3c', 0],
    ]),
    radial('gBokehC', [
      [0, '#9fc3ff', 0.4],
      [0.8, '#7fa6e6', 0.3],
      [1, '#7fa6e6', 0],
    ]),
    blur('b1', 0.8),
    blur('b2', 2),
    blur('b4', 4),
    blur('b8', 8),
    blur('b16', 16),
    blur('b30', 30),
    blur('b50', 50),
    smokeFilter('smoke', 0.011, 7, 110, 12),
    smokeFilter('smokeFine', 0.022, 3, 60, 5),
    smokeFilter('smokeBig', 0.006, 11, 160, 16),
    smokeFilter('plume', 0.018, 5, 36, 5, 2, -0.3),
  ].join('');
}

/** Billowing steam: shapes pushed around by fractal noise, softened, then eaten into wisps by the noise. */
function smokeFilter(id, freq, seed, scale, sd, slope = 2.6, offset = -0.75) {
  return (
    `<filter id="${id}" x="-40%" y="-40%" width="180%" height="180%">` +
    `<feTurbulence type="fractalNoise" baseFrequency="${freq} ${freq * 1.4}" numOctaves="4" seed="${seed}" result="noise"/>` +
    `<feDisplacementMap in="SourceGraphic" in2="noise" scale="${scale}" xChannelSelector="R" yChannelSelector="G" result="moved"/>` +
    `<feGaussianBlur in="moved" stdDeviation="${sd}" result="soft"/>` +
    `<feColorMatrix in="noise" type="matrix" values="0 0 0 0 1 0 0 0 0 1 0 0 0 0 1 0 0 0 ${slope} ${offset}" result="wisps"/>` +
    '<feComposite in="soft" in2="wisps" operator="in"/>' +
    '</filter>'
  );
}

const glow = (x, y, r, grad = 'gSodium', opacity = 1) =>
  circle(x, y, r, { fill: `url(#${grad})`, opacity: opacity === 1 ? undefined : opacity });

/** Rain: one path per layer, slanted streaks. */
function rain(
  rand,
  { w, h, count, angle = 0.18, len = [14, 30], width = 1, color = '#b9cdf0', opacity = 0.25, filter },
) {
  let d = '';
  for (let i = 0; i < count; i++) {
    const x = rand.range(-80, w + 40);
    const y = rand.range(-40, h);
    const L = rand.range(len[0], len[1]);
    d += `M${n(x)} ${n(y)}l${n(Math.sin(angle) * L)} ${n(Math.cos(angle) * L)}`;
  }
  return pathEl(d, {
    stroke: color,
    'stroke-width': width,
    'stroke-opacity': opacity,
    'stroke-linecap': 'round',
    fill: 'none',
    filter: filter ? `url(#${filter})` : undefined,
  });
}

/** Soft round bokeh discs, as seen behind a shallow-focus portrait. */
function bokeh(
  rand,
  { count, x: [x0, x1], y: [y0, y1], r: [r0, r1], grad = 'gBokehW', opacity = [0.3, 0.9] },
) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(
      circle(rand.range(x0, x1), rand.range(y0, y1), rand.range(r0, r1), {
        fill: `url(#${grad})`,
        opacity: rand.range(opacity[0], opacity[1]),
      }),
    );
  }
  return out.join('');
}

/** A cloud of steam: overlapping blurred ellipses. */
function steam(
  rand,
  {
    cx,
    cy,
    spread = [200, 80],
    count = 14,
    r = [40, 110],
    color = '#aeb9cc',
    opacity = [0.08, 0.22],
    filter = 'b16',
  },
) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const rr = rand.range(r[0], r[1]);
    out.push(
      ellipse(
        cx + rand.range(-spread[0], spread[0]),
        cy + rand.range(-spread[1], spread[1]),
        rr * rand.range(1, 1.6),
        rr,
        {
          fill: color,
          opacity: rand.range(opacity[0], opacity[1]),
        },
      ),
    );
  }
  return group(out, { filter: `url(#${filter})` });
}

const vignette = (w, h, strength = 0.8, id = 'vig') => ({
  def: radial(
    id,
    [
      [0, '#000', 0],
      [0.55, '#000', 0],
      [0.85, '#000', strength * 0.55],
      [1, '#000', strength],
    ],
    { cx: '50%', cy: '48%', r: '75%' },
  ),
  el: rect(0, 0, w, h, { fill: `url(#${id})` }),
});

/** Pinhole camera: world metres (X right, Y up, Z forward) to pixels. */
function camera(cx, cy, f) {
  const p = (X, Y, Z) => [cx + (f * X) / Z, cy - (f * Y) / Z];
  p.quad = (list, a) =>
    poly(
      list.map(([X, Y, Z]) => p(X, Y, Z)),
      a,
    );
  p.scale = (Z) => f / Z;
  return p;
}

const svgDoc = (w, h, defs, body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
  `<defs>${commonDefs()}${defs.join('')}</defs>${body.join('')}</svg>`;

/** Monochrome film grain, slightly clumped (rendered at 2/3 size and scaled up). */
async function grainLayer(w, h, seed, amount) {
  const gw = Math.round((w * 2) / 3);
  const gh = Math.round((h * 2) / 3);
  const rand = rng(seed);
  const buf = Buffer.alloc(gw * gh);
  for (let i = 0; i < buf.length; i++) {
    const g = (rand() + rand() + rand() - 1.5) / 1.5; // ~gaussian in [-1, 1]
    buf[i] = Math.max(0, Math.min(255, Math.round(128 + g * amount)));
  }
  return sharp(buf, { raw: { width: gw, height: gh, channels: 1 } })
    .resize(w, h, { kernel: 'cubic' })
    .toColourspace('srgb')
    .png({ compressionLevel: 1 })
    .toBuffer();
}

async function render(file, { w, h, svg, seed, grain = 26, format = 'jpeg' }) {
  const abs = path.join(OUT, file);
  await mkdir(path.dirname(abs), { recursive: true });
  const layer = await grainLayer(w, h, seed, grain);
  let img = sharp(Buffer.from(svg), { density: 72 })
    .composite([{ input: layer, blend: 'soft-light' }])
    .removeAlpha();
  img =
    format === 'png'
      ? img.png({ compressionLevel: 9, palette: true, colours: 256, dither: 0.6, effort: 10 })
      : img.jpeg({ quality: 82, mozjpeg: true, chromaSubsampling: '4:2:0' });
  const data = await img.toBuffer();
  await writeFile(abs, data);
  return { file, bytes: data.length };
}

// ---------------------------------------------------------------------------------------------------
// Decor: the night platform, wide

function platformWide() {
  const W = 1344;
  const H = 768;
  const r = rng(101);
  const P = camera(560, 392, 860);
  const defs = [];
  const body = [];

  defs.push(
    linear(
      'sky',
      [0, 0, 0, 1],
      [
        [0, '#03060d'],
        [0.32, '#0a1223'],
        [0.5, '#1b2a45'],
        [0.56, '#2a3046'],
        [1, '#0b0f18'],
      ],
    ),
    linear(
      'plat',
      [0, 392, 0, H],
      [
        [0, '#232836'],
        [0.15, '#141822'],
        [1, '#07090e'],
      ],
      true,
    ),
    linear(
      'car',
      [0, 0, 0, 1],
      [
        [0, '#15222f'],
        [0.45, '#0c1722'],
        [1, '#04080c'],
      ],
    ),
    linear(
      'carSide',
      [0, 0, 1, 0],
      [
        [0, '#000', 0],
        [0.6, '#000', 0.15],
        [1, '#000', 0.55],
      ],
    ),
    linear(
      'win',
      [0, 0, 0, 1],
      [
        [0, '#ffd48a'],
        [1, '#e0842e'],
      ],
    ),
    linear(
      'winDim',
      [0, 0, 0, 1],
      [
        [0, '#6a4a2a'],
        [1, '#3a2414'],
      ],
    ),
    linear(
      'yard',
      [0, 392, 0, H],
      [
        [0, '#1a2032'],
        [0.12, '#0c1019'],
        [1, '#05070b'],
      ],
      true,
    ),
    radial('cityGlow', [
      [0, '#c86a2a', 0.55],
      [1, '#c86a2a', 0],
    ]),
  );

  // Sky, with a low sodium haze from the city.
  body.push(rect(0, 0, W, H, { fill: 'url(#sky)' }));
  body.push(ellipse(300, 400, 520, 120, { fill: 'url(#cityGlow)', opacity: 0.7 }));
  body.push(ellipse(1100, 395, 380, 70, { fill: 'url(#cityGlow)', opacity: 0.35 }));

  // Distant skyline: blocks, chimneys, a water tower, a few lit windows.
  const sky = [];
  const lit = [];
  let x = -20;
  while (x < W + 20) {
    const bw = r.range(24, 80);
    const bh = r.range(14, 80) * (x < 500 ? 1.2 : 0.8);
    sky.push(rect(x, 392 - bh, bw, bh + 10));
    if (r() < 0.3) sky.push(rect(x + bw * 0.6, 392 - bh - r.range(18, 46), 6, 50));
    for (let k = 0; k < 3; k++) {
      if (r() < 0.45) lit.push(rect(x + r.range(3, bw - 6), 392 - r.range(4, bh - 4), 2.5, 3));
    }
    x += bw + r.range(-6, 8);
  }
  sky.push(
    rect(840, 318, 26, 20),
    poly([
      [836, 318],
      [870, 318],
      [853, 304],
    ]),
    rect(844, 338, 3, 50),
    rect(860, 338, 3, 50),
  );
  body.push(group(sky, { fill: '#070b14' }));
  body.push(group(lit, { fill: '#e8a25a', opacity: 0.55 }));

  // Far signal gantry at the vanishing point.
  body.push(rect(586, 330, 2.5, 62, { fill: '#05070c' }), rect(574, 332, 26, 2.5, { fill: '#05070c' }));
  body.push(glow(581, 336, 26, 'gRed', 0.9), glow(596, 336, 20, 'gGreen', 0.7));

  // The yard: dark ground to the horizon, with the rails of other tracks catching a little light.
  body.push(
    P.quad(
      [
        [-400, -2.9, 1.2],
        [400, -2.9, 1.2],
        [400, -2.9, 600],
        [-400, -2.9, 600],
      ],
      { fill: 'url(#yard)' },
    ),
  );
  const rails = [];
  for (const rx of [-14.5, -13.1, -19.5, -18.1, 7.2, 8.6, 12.4, 13.8]) {
    rails.push(
      P.quad([
        [rx, -2.75, 2],
        [rx + 0.07, -2.75, 2],
        [rx + 0.07, -2.75, 600],
        [rx, -2.75, 600],
      ]),
    );
  }
  body.push(group(rails, { fill: '#6d7a92', opacity: 0.35 }));

  // The waiting train: carriages along X = 3.1, receding towards the locomotive.
  const cars = [];
  const X = 3.1;
  for (let c = 0; c < 7; c++) {
    const z0 = 4 + c * 22;
    const z1 = z0 + 20.8;
    cars.push(
      P.quad(
        [
          [X, -2.3, z0],
          [X, 1.45, z0],
          [X, 1.45, z1],
          [X, -2.3, z1],
        ],
        { fill: 'url(#car)' },
      ),
    );
    // Roof lip and under-frame.
    cars.push(
      P.quad(
        [
          [X, 1.45, z0],
          [X + 0.35, 1.95, z0],
          [X + 0.35, 1.95, z1],
          [X, 1.45, z1],
        ],
        { fill: '#0a121b' },
      ),
    );
    cars.push(
      P.quad(
        [
          [X, -1.9, z0],
          [X, -2.3, z0],
          [X, -2.3, z1],
          [X, -1.9, z1],
        ],
        { fill: '#05080c' },
      ),
    );
    // Brass waist line that catches the lamps.
    cars.push(
      P.quad(
        [
          [X, -0.28, z0],
          [X, -0.34, z0],
          [X, -0.34, z1],
          [X, -0.28, z1],
        ],
        { fill: '#b4813f', opacity: 0.55 },
      ),
    );
    // Windows.
    for (let k = 0; k < 9; k++) {
      const wz0 = z0 + 1.1 + k * 2.1;
      const wz1 = wz0 + 1.35;
      const on = r() < 0.78;
      cars.push(
        P.quad(
          [
            [X, 0.05, wz0],
            [X, 1.0, wz0],
            [X, 1.0, wz1],
            [X, 0.05, wz1],
          ],
          { fill: on ? 'url(#win)' : 'url(#winDim)' },
        ),
      );
      if (on && r() < 0.45) {
        // Blind half drawn.
        const b = r.range(0.3, 0.7);
        cars.push(
          P.quad(
            [
              [X, 1.0 - b, wz0],
              [X, 1.0, wz0],
              [X, 1.0, wz1],
              [X, 1.0 - b, wz1],
            ],
            { fill: '#8a4a1c', opacity: 0.75 },
          ),
        );
      }
      if (on && c < 2 && r() < 0.5) {
        // A passenger's head and shoulders against the lamp inside.
        const zc = (wz0 + wz1) / 2 + r.range(-0.2, 0.2);
        const [hx, hy] = P(X + 0.02, 0.5, zc);
        const s = P.scale(zc);
        cars.push(
          pathEl(
            `M${n(hx - 0.32 * s)} ${n(hy + 0.5 * s)}C${n(hx - 0.3 * s)} ${n(hy + 0.16 * s)} ${n(hx - 0.12 * s)} ${n(hy + 0.12 * s)} ${n(hx - 0.1 * s)} ${n(hy + 0.05 * s)}` +
              `A${n(0.12 * s)} ${n(0.14 * s)} 0 1 1 ${n(hx + 0.1 * s)} ${n(hy + 0.05 * s)}` +
              `C${n(hx + 0.12 * s)} ${n(hy + 0.12 * s)} ${n(hx + 0.3 * s)} ${n(hy + 0.16 * s)} ${n(hx + 0.32 * s)} ${n(hy + 0.5 * s)}Z`,
            { fill: '#2a160c', opacity: 0.85 },
          ),
        );
      }
      // Window frames.
      cars.push(
        P.quad(
          [
            [X, 0.05, wz0],
            [X, 1.0, wz0],
            [X, 1.0, wz1],
            [X, 0.05, wz1],
          ],
          { fill: 'none', stroke: '#0a0f16', 'stroke-width': Math.max(0.6, P.scale(wz0) * 0.05) },
        ),
      );
    }
    // Door at each end.
    cars.push(
      P.quad(
        [
          [X, -1.8, z0 + 0.2],
          [X, 1.2, z0 + 0.2],
          [X, 1.2, z0 + 0.95],
          [X, -1.8, z0 + 0.95],
        ],
        { fill: 'none', stroke: '#05090e', 'stroke-width': Math.max(0.5, P.scale(z0) * 0.04) },
      ),
    );
  }
  body.push(...cars);
  body.push(
    P.quad(
      [
        [X, -2.3, 4],
        [X, 2, 4],
        [X, 2, 160],
        [X, -2.3, 160],
      ],
      { fill: 'url(#carSide)' },
    ),
  );

  // Lamplight pooling on the carriage sides.
  const lampZ = [6, 16, 26, 36, 46, 58, 70, 84, 100, 120];
  const spill = lampZ.map((z) => {
    const [sx, sy] = P(X, -0.2, z + 1.5);
    const s = P.scale(z + 1.5);
    return ellipse(sx, sy, 2.4 * s, 2.4 * s, { fill: 'url(#gSodium)', opacity: 0.35 });
  });
  body.push(group(spill, { style: 'mix-blend-mode:screen' }));

  // Steam from the locomotive far ahead, rolling back over the roofs.
  body.push(
    steam(r, {
      cx: 610,
      cy: 330,
      spread: [40, 20],
      count: 10,
      r: [10, 30],
      color: '#c9d2e2',
      opacity: [0.2, 0.4],
      filter: 'b8',
    }),
  );
  body.push(
    steam(r, {
      cx: 650,
      cy: 290,
      spread: [110, 50],
      count: 18,
      r: [20, 70],
      color: '#a6b2c8',
      opacity: [0.12, 0.3],
      filter: 'b16',
    }),
  );
  body.push(
    steam(r, {
      cx: 780,
      cy: 230,
      spread: [240, 80],
      count: 16,
      r: [50, 130],
      color: '#7d8aa4',
      opacity: [0.06, 0.16],
      filter: 'b30',
    }),
  );

  // The platform: wet top, safety edge, edge face.
  body.push(
    P.quad(
      [
        [-9, -1.7, 1.2],
        [2.4, -1.7, 1.2],
        [2.4, -1.7, 400],
        [-9, -1.7, 400],
      ],
      { fill: 'url(#plat)' },
    ),
  );
  body.push(
    P.quad(
      [
        [2.4, -1.7, 1.2],
        [2.4, -2.6, 1.2],
        [2.4, -2.6, 400],
        [2.4, -1.7, 400],
      ],
      { fill: '#06080c' },
    ),
  );
  body.push(
    P.quad(
      [
        [1.95, -1.7, 1.2],
        [2.38, -1.7, 1.2],
        [2.38, -1.7, 400],
        [1.95, -1.7, 400],
      ],
      { fill: '#b6a57a', opacity: 0.2 },
    ),
  );
  // Paving joints.
  const joints = [];
  for (let z = 2; z < 120; z *= 1.18)
    joints.push(
      P.quad([
        [-9, -1.7, z],
        [2.4, -1.7, z],
        [2.4, -1.7, z + 0.04],
        [-9, -1.7, z + 0.04],
      ]),
    );
  body.push(group(joints, { fill: '#000', opacity: 0.35 }));

  // Reflections in the wet platform: lamps and lit windows, smeared vertically.
  const refl = [];
  for (const z of lampZ) {
    const [rx, ry] = P(-2.8, -1.7 - 3.1, z);
    const s = P.scale(z);
    refl.push(ellipse(rx, ry, 0.25 * s + 1, 1.6 * s + 2, { fill: '#ff9a3c', opacity: 0.55 }));
  }
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < 9; k += 1) {
      const z = 4 + c * 22 + 1.8 + k * 2.1;
      const [rx, ry] = P(X, -1.7 - 2.2, z);
      const s = P.scale(z);
      refl.push(ellipse(rx, ry, 0.35 * s, 0.9 * s, { fill: '#e08a3a', opacity: 0.22 }));
    }
  }
  body.push(group(refl, { filter: 'url(#b8)', style: 'mix-blend-mode:screen' }));

  // Lamp posts down the left of the platform.
  const posts = [];
  const heads = [];
  for (const z of [...lampZ].reverse()) {
    const s = P.scale(z);
    const [bx, by] = P(-2.8, -1.7, z);
    const [tx, ty] = P(-2.8, 1.3, z);
    posts.push(rect(bx - 0.06 * s, ty, 0.12 * s, by - ty, { fill: '#07090d' }));
    posts.push(rect(bx - 0.12 * s, by - 0.3 * s, 0.24 * s, 0.3 * s, { fill: '#07090d' }));
    // Lantern head: cap and glass.
    posts.push(
      poly(
        [
          [tx - 0.22 * s, ty - 0.02 * s],
          [tx + 0.22 * s, ty - 0.02 * s],
          [tx, ty - 0.25 * s],
        ],
        { fill: '#07090d' },
      ),
    );
    posts.push(rect(tx - 0.14 * s, ty, 0.28 * s, 0.32 * s, { fill: '#ffcf85' }));
    posts.push(rect(tx - 0.16 * s, ty + 0.32 * s, 0.32 * s, 0.05 * s, { fill: '#07090d' }));
    heads.push(glow(tx, ty + 0.16 * s, 3.4 * s + 20, 'gSodium', 0.95));
    // Light pooled on the paving below.
    const [px, py] = P(-2.4, -1.7, z);
    heads.push(ellipse(px, py, 2.6 * s, 0.55 * s, { fill: 'url(#gSodium)', opacity: 0.45 }));
  }
  body.push(...posts);

  // Mist low over the platform.
  body.push(
    steam(r, {
      cx: 520,
      cy: 418,
      spread: [520, 14],
      count: 18,
      r: [14, 40],
      color: '#8795ad',
      opacity: [0.04, 0.1],
      filter: 'b16',
    }),
  );

  // A bench and a luggage trolley, silhouettes in the middle distance.
  {
    const z = 20;
    const s = P.scale(z);
    const [bx, by] = P(-1.5, -1.7, z);
    body.push(rect(bx - 0.9 * s, by - 0.55 * s, 1.8 * s, 0.08 * s, { fill: '#06080c' }));
    body.push(rect(bx - 0.9 * s, by - 0.95 * s, 1.8 * s, 0.3 * s, { fill: '#06080c' }));
    body.push(rect(bx - 0.8 * s, by - 0.55 * s, 0.06 * s, 0.55 * s, { fill: '#06080c' }));
    body.push(rect(bx + 0.74 * s, by - 0.55 * s, 0.06 * s, 0.55 * s, { fill: '#06080c' }));
    // Luggage trolley with a trunk and two cases, lit from the left.
    const z2 = 11;
    const s2 = P.scale(z2);
    const [tx, ty] = P(0.4, -1.7, z2);
    const dark = { fill: '#06080c' };
    body.push(
      circle(tx - 0.45 * s2, ty - 0.22 * s2, 0.22 * s2, dark),
      circle(tx + 0.45 * s2, ty - 0.22 * s2, 0.22 * s2, dark),
    );
    body.push(rect(tx - 0.75 * s2, ty - 0.5 * s2, 1.5 * s2, 0.12 * s2, dark));
    body.push(rect(tx - 0.7 * s2, ty - 1.1 * s2, 1.0 * s2, 0.6 * s2, { fill: '#24170f' }));
    body.push(rect(tx - 0.7 * s2, ty - 1.1 * s2, 0.05 * s2, 0.6 * s2, { fill: '#c27a36', opacity: 0.6 }));
    body.push(rect(tx - 0.6 * s2, ty - 1.42 * s2, 0.75 * s2, 0.32 * s2, { fill: '#3a2a1c' }));
    body.push(rect(tx - 0.6 * s2, ty - 1.42 * s2, 0.04 * s2, 0.32 * s2, { fill: '#d08a44', opacity: 0.6 }));
    body.push(rect(tx - 0.5 * s2, ty - 1.62 * s2, 0.5 * s2, 0.2 * s2, { fill: '#2c1e14' }));
    body.push(rect(tx + 0.68 * s2, ty - 1.7 * s2, 0.06 * s2, 1.25 * s2, dark));
    body.push(rect(tx + 0.5 * s2, ty - 1.72 * s2, 0.4 * s2, 0.06 * s2, dark));
  }

  // Light: lamp halos (added, not painted over).
  body.push(group(heads, { style: 'mix-blend-mode:screen' }));

  // Rain: far, mid, near (near is soft: out of focus).
  body.push(rain(r, { w: W, h: H, count: 900, len: [6, 14], width: 0.8, opacity: 0.18, color: '#9fb4d8' }));
  body.push(rain(r, { w: W, h: H, count: 380, len: [18, 34], width: 1.1, opacity: 0.22, color: '#c3d3f0' }));
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 60,
      len: [60, 120],
      width: 2.4,
      opacity: 0.14,
      color: '#dbe6ff',
      filter: 'b2',
    }),
  );
  // Rain lit by the nearest lamps.
  defs.push(
    `<mask id="lampMask">${rect(0, 0, W, H, { fill: '#000' })}${lampZ
      .slice(0, 4)
      .map((z) => {
        const [tx, ty] = P(-2.8, 1.3, z);
        return circle(tx, ty, 5 * P.scale(z) + 40, { fill: 'url(#gSoft)' });
      })
      .join('')}</mask>`,
  );
  body.push(
    group(rain(r, { w: W, h: H, count: 700, len: [12, 30], width: 1.2, opacity: 0.6, color: '#ffc078' }), {
      mask: 'url(#lampMask)',
    }),
  );

  // Splashes on the platform.
  const splash = [];
  for (let i = 0; i < 160; i++) {
    const z = r.range(2, 30);
    const X = r.range(-8, 2.3);
    const [sx, sy] = P(X, -1.7, z);
    const s = P.scale(z);
    splash.push(ellipse(sx, sy, 0.08 * s, 0.02 * s));
  }
  body.push(group(splash, { fill: 'none', stroke: '#c7d6f2', 'stroke-opacity': 0.13, 'stroke-width': 0.8 }));

  const v = vignette(W, H, 0.85);
  defs.push(v.def);
  body.push(v.el);
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// ---------------------------------------------------------------------------------------------------
// Decor: the locomotive at the head of the platform, headlamp on, steam up

function platformEngine() {
  const W = 1344;
  const H = 768;
  const r = rng(202);
  const P = camera(600, 372, 860);
  const LX = 0.6;
  const LZ = 9;
  /** Point on the locomotive: x across from its centre line, y up from the rail, d metres behind the buffer beam. */
  const L = (x, y, d = 0) => P(LX + x, -1.3 + y, LZ + d);
  const s = P.scale(LZ);
  const defs = [];
  const body = [];

  defs.push(
    linear(
      'sky2',
      [0, 0, 0, 1],
      [
        [0, '#02040a'],
        [0.45, '#0c1426'],
        [0.5, '#1e2236'],
        [1, '#06070b'],
      ],
    ),
    linear(
      'metal',
      [L(-1.6, 0)[0], 0, L(1.6, 0)[0], 0],
      [
        [0, '#6b4426'],
        [0.2, '#2a1d16'],
        [0.55, '#11141b'],
        [0.85, '#1c2a40'],
        [1, '#4a6a96'],
      ],
      true,
    ),
    linear(
      'metalV',
      [0, 0, 0, 1],
      [
        [0, '#2b3140'],
        [0.5, '#14171e'],
        [1, '#07080b'],
      ],
    ),
    radial(
      'doorG',
      [
        [0, '#242a36'],
        [0.7, '#12151c'],
        [0.95, '#0a0c10'],
        [1, '#3a4254'],
      ],
      { cx: '42%', cy: '40%', r: '60%' },
    ),
    linear(
      'beam',
      [0, 0, 0, 1],
      [
        [0, '#7a1a16'],
        [1, '#3a0a0a'],
      ],
    ),
    linear(
      'ballast',
      [0, 372, 0, H],
      [
        [0, '#151923'],
        [0.3, '#0d1017'],
        [1, '#050608'],
      ],
      true,
    ),
    radial('haze', [
      [0, '#d27a34', 0.6],
      [1, '#d27a34', 0],
    ]),
    linear(
      'cone',
      [0, 0, 0, 1],
      [
        [0, '#fff1d0', 0.32],
        [1, '#ffd9a0', 0],
      ],
    ),
    radial('flare', [
      [0, '#dff0ff', 0.9],
      [0.3, '#8fb8ff', 0.35],
      [1, '#5a86d8', 0],
    ]),
  );

  body.push(rect(0, 0, W, H, { fill: 'url(#sky2)' }));
  body.push(ellipse(160, 360, 460, 170, { fill: 'url(#haze)', opacity: 0.55 }));
  body.push(ellipse(1200, 380, 300, 80, { fill: 'url(#haze)', opacity: 0.25 }));

  // Station buildings far behind, left and right of the line.
  const far = [];
  let fx = -10;
  while (fx < W) {
    const bw = r.range(40, 120);
    const bh = r.range(10, 60);
    if (fx < 520 || fx > 760) far.push(rect(fx, 372 - bh, bw, bh + 12));
    fx += bw;
  }
  body.push(group(far, { fill: '#080a10' }));
  // Ground: ballast, sleepers, rails converging on the engine; the platform edge on the left.
  body.push(
    P.quad(
      [
        [-60, -1.3, 1],
        [60, -1.3, 1],
        [60, -1.3, 400],
        [-60, -1.3, 400],
      ],
      { fill: 'url(#ballast)' },
    ),
  );
  body.push(
    P.quad(
      [
        [-40, -0.35, 1],
        [-2.1, -0.35, 1],
        [-2.1, -0.35, 400],
        [-40, -0.35, 400],
      ],
      { fill: '#12151d' },
    ),
  );
  body.push(
    P.quad(
      [
        [-2.1, -0.35, 1],
        [-2.1, -1.3, 1],
        [-2.1, -1.3, 400],
        [-2.1, -0.35, 400],
      ],
      { fill: '#07080c' },
    ),
  );
  body.push(
    P.quad(
      [
        [-2.45, -0.35, 1],
        [-2.1, -0.35, 1],
        [-2.1, -0.35, 400],
        [-2.45, -0.35, 400],
      ],
      { fill: '#a89466', opacity: 0.2 },
    ),
  );
  const sleepers = [];
  for (let z = 1.2; z < LZ; z += 0.7)
    sleepers.push(
      P.quad([
        [LX - 1.3, -1.3, z],
        [LX + 1.3, -1.3, z],
        [LX + 1.3, -1.3, z + 0.25],
        [LX - 1.3, -1.3, z + 0.25],
      ]),
    );
  body.push(group(sleepers, { fill: '#1a1612', opacity: 0.8 }));
  const rails = [];
  for (const dx of [-0.72, 0.72]) {
    rails.push(
      P.quad(
        [
          [LX + dx - 0.04, -1.15, 1],
          [LX + dx + 0.04, -1.15, 1],
          [LX + dx + 0.04, -1.15, LZ],
          [LX + dx - 0.04, -1.15, LZ],
        ],
        { fill: 'url(#railG)' },
      ),
    );
  }
  defs.push(
    linear(
      'railG',
      [0, H, 0, 500],
      [
        [0, '#3a4152'],
        [0.6, '#d9a05a'],
        [1, '#fff0c8'],
      ],
      true,
    ),
  );
  body.push(...rails);

  // Cab and tender behind the smokebox: wider, taller, darker.
  body.push(
    poly(
      [
        L(-1.55, 2.9, 9),
        L(-1.55, 4.15, 9),
        L(-1.2, 4.35, 9),
        L(1.2, 4.35, 9),
        L(1.55, 4.15, 9),
        L(1.55, 2.9, 9),
      ],
      { fill: '#07080b' },
    ),
  );
  body.push(
    rect(L(-1.25, 3.5, 9)[0], L(0, 3.9, 9)[1], 0.35 * P.scale(LZ + 9), 0.35 * P.scale(LZ + 9), {
      fill: '#ff8a2a',
      opacity: 0.55,
    }),
  );
  // Boiler barrel (seen end-on it peeks out around the smokebox).
  body.push(circle(...L(0, 2.55, 2), 1.0 * P.scale(LZ + 2), { fill: '#0d1016' }));

  // Cylinders, low at each side.
  for (const side of [-1, 1]) {
    body.push(
      rect(L(side * 1.3 - 0.32, 0, 0.3)[0], L(0, 1.5, 0.3)[1], 0.64 * s, 0.62 * s, { fill: 'url(#metal)' }),
    );
    body.push(
      circle(...L(side * 1.3, 1.2, 0.3), 0.26 * s, {
        fill: '#1a1e27',
        stroke: '#4a5468',
        'stroke-width': 1.5,
      }),
    );
  }
  // Leading wheels half hidden under the beam.
  for (const side of [-1, 1]) {
    body.push(
      rect(L(side * 0.75 - 0.08, 0, 0.6)[0], L(0, 0.9, 0.6)[1], 0.16 * s, 0.9 * s, { fill: '#0a0c10' }),
    );
  }

  // Smoke deflectors, tall plates either side of the smokebox.
  for (const side of [-1, 1]) {
    const x0 = side * 1.28;
    const x1 = side * 1.46;
    body.push(
      poly([L(x0, 1.55), L(x1, 1.55), L(x1, 3.35), L(x0, 3.55)], { fill: side < 0 ? '#3a2618' : '#1c273a' }),
    );
    body.push(
      poly([L(x0, 1.55), L(x0 + side * 0.02, 1.55), L(x0 + side * 0.02, 3.55), L(x0, 3.55)], {
        fill: side < 0 ? '#d88a44' : '#6f8fc0',
        opacity: 0.7,
      }),
    );
  }

  // Smokebox, door, hinge straps, dart handles, number plate.
  const [scx, scy] = L(0, 2.55);
  body.push(circle(scx, scy, 0.98 * s, { fill: 'url(#metal)' }));
  body.push(circle(scx, scy, 0.8 * s, { fill: 'url(#doorG)', stroke: '#070809', 'stroke-width': 3 }));
  body.push(
    pathEl(
      `M${n(scx - 0.98 * s + 4)} ${n(scy)}A${n(0.98 * s)} ${n(0.98 * s)} 0 0 1 ${n(scx)} ${n(scy - 0.98 * s + 2)}`,
      { fill: 'none', stroke: '#f0a860', 'stroke-width': 2.2, opacity: 0.75 },
    ),
  );
  body.push(
    pathEl(
      `M${n(scx)} ${n(scy - 0.98 * s + 2)}A${n(0.98 * s)} ${n(0.98 * s)} 0 0 1 ${n(scx + 0.98 * s - 4)} ${n(scy)}`,
      { fill: 'none', stroke: '#8fb0e0', 'stroke-width': 1.6, opacity: 0.5 },
    ),
  );
  for (const dy of [-0.42, 0.42])
    body.push(
      rect(scx - 0.78 * s, scy + dy * s - 0.035 * s, 0.95 * s, 0.07 * s, {
        fill: '#0b0d12',
        stroke: '#3d4558',
        'stroke-width': 1,
      }),
    );
  body.push(circle(scx, scy, 0.09 * s, { fill: '#2a303c', stroke: '#8a94a8', 'stroke-width': 1.2 }));
  body.push(rect(scx - 0.3 * s, scy - 0.025 * s, 0.6 * s, 0.05 * s, { fill: '#9aa4b6', rx: 2 }));
  body.push(
    rect(scx - 0.3 * s, scy + 0.5 * s, 0.6 * s, 0.16 * s, {
      fill: '#9c7434',
      stroke: '#e0b060',
      'stroke-width': 1,
    }),
  );

  // Chimney.
  body.push(rect(...L(-0.26, 3.95), 0.52 * s, 0.5 * s, { fill: 'url(#metalV)' }));
  body.push(rect(...L(-0.32, 4.02), 0.64 * s, 0.08 * s, { fill: '#1c2230' }));

  // Running plate and buffer beam, buffers, coupling hook, lamps.
  body.push(rect(...L(-1.55, 1.56), 3.1 * s, 0.08 * s, { fill: '#1a1d26' }));
  body.push(rect(...L(-1.5, 1.4), 3.0 * s, 0.44 * s, { fill: 'url(#beam)' }));
  body.push(rect(...L(-1.5, 1.4), 3.0 * s, 0.03 * s, { fill: '#e88a50', opacity: 0.6 }));
  for (const side of [-1, 1]) {
    const [bx, by] = L(side * 0.87, 1.15);
    body.push(rect(bx - 0.09 * s, by - 0.09 * s, 0.18 * s, 0.18 * s, { fill: '#15171d' }));
    body.push(
      ellipse(bx, by, 0.22 * s, 0.22 * s, {
        fill: '#1d212b',
        stroke: side < 0 ? '#e09050' : '#7a98c8',
        'stroke-width': 2,
      }),
    );
    body.push(
      ellipse(bx - 0.05 * s * side, by - 0.05 * s, 0.12 * s, 0.12 * s, {
        fill: side < 0 ? '#7a5030' : '#3a4a66',
        opacity: 0.6,
      }),
    );
  }
  body.push(
    pathEl(
      `M${n(L(0, 1.2)[0])} ${n(L(0, 1.2)[1])}v${n(0.25 * s)}a${n(0.08 * s)} ${n(0.08 * s)} 0 0 0 ${n(0.16 * s)} 0`,
      { fill: 'none', stroke: '#2a2e38', 'stroke-width': 0.06 * s },
    ),
  );
  // Marker lamps on the beam: white, and the headlamp above the smokebox door.
  const lampPos = [L(-1.1, 1.85), L(1.1, 1.85)];
  for (const [lx, ly] of lampPos)
    body.push(rect(lx - 0.1 * s, ly - 0.1 * s, 0.2 * s, 0.2 * s, { fill: '#fff4d8' }));
  const [hx, hy] = L(0, 3.72);
  body.push(rect(hx - 0.24 * s, hy - 0.2 * s, 0.48 * s, 0.4 * s, { fill: '#15181f' }));
  body.push(circle(hx, hy, 0.15 * s, { fill: '#fffaf0' }));

  // Steam: from the chimney, and the cylinder cocks blowing across the ballast.
  body.push(
    steam(r, {
      cx: scx + 30,
      cy: L(0, 5.0)[1],
      spread: [90, 40],
      count: 16,
      r: [30, 70],
      color: '#c4ccda',
      opacity: [0.25, 0.5],
      filter: 'smoke',
    }),
  );
  body.push(
    steam(r, {
      cx: scx + 200,
      cy: L(0, 6.6)[1],
      spread: [280, 50],
      count: 16,
      r: [60, 130],
      color: '#8893aa',
      opacity: [0.2, 0.4],
      filter: 'smokeBig',
    }),
  );
  for (const side of [-1, 1]) {
    const [cx, cy] = L(side * 2.2, 0.5);
    body.push(
      steam(r, {
        cx: cx + side * 100,
        cy,
        spread: [180, 30],
        count: 18,
        r: [25, 70],
        color: '#dfe4ec',
        opacity: [0.18, 0.4],
        filter: 'smoke',
      }),
    );
  }
  body.push(
    steam(r, {
      cx: scx,
      cy: L(0, 0.3)[1],
      spread: [460, 20],
      count: 16,
      r: [15, 45],
      color: '#b8c2d4',
      opacity: [0.2, 0.4],
      filter: 'smokeFine',
    }),
  );

  // The platform lamp on the left.
  const lamp = [];
  {
    const z = 6.5;
    const ls = P.scale(z);
    const [bx, by] = P(-3.4, -0.35, z);
    const [tx, ty] = P(-3.4, 2.2, z);
    lamp.push(rect(bx - 0.06 * ls, ty, 0.12 * ls, by - ty, { fill: '#06070a' }));
    lamp.push(
      poly(
        [
          [tx - 0.22 * ls, ty],
          [tx + 0.22 * ls, ty],
          [tx, ty - 0.25 * ls],
        ],
        { fill: '#06070a' },
      ),
    );
    lamp.push(rect(tx - 0.14 * ls, ty, 0.28 * ls, 0.32 * ls, { fill: '#ffd08a' }));
    body.push(...lamp);
    body.push(group([glow(tx, ty + 0.16 * ls, 3 * ls + 30, 'gSodium')], { style: 'mix-blend-mode:screen' }));
    defs.push(
      `<mask id="lampRain">${rect(0, 0, W, H, { fill: '#000' })}${circle(tx, ty, 4 * ls, { fill: 'url(#gSoft)' })}</mask>`,
    );
  }

  // The headlamp: beam towards us, anamorphic streak, halo.
  body.push(
    poly(
      [
        [hx - 8, hy],
        [hx + 8, hy],
        [hx + 900, H + 200],
        [hx - 700, H + 200],
      ],
      { fill: 'url(#cone)', filter: 'url(#b30)', style: 'mix-blend-mode:screen' },
    ),
  );
  const lights = [];
  lights.push(glow(hx, hy, 260, 'gWarm', 0.95));
  lights.push(ellipse(hx, hy, 620, 7, { fill: 'url(#flare)', opacity: 0.85 }));
  lights.push(ellipse(hx, hy, 280, 2.5, { fill: '#ffffff', opacity: 0.5 }));
  for (const [lx, ly] of lampPos)
    lights.push(
      glow(lx, ly, 70, 'gWarm', 0.9),
      ellipse(lx, ly, 160, 2.5, { fill: 'url(#flare)', opacity: 0.6 }),
    );
  // Wet-rail and ballast reflections of the lamps.
  lights.push(
    ellipse(hx, L(0, 0)[1] + 40, 40, 120, { fill: 'url(#gWarm)', opacity: 0.25, filter: 'url(#b16)' }),
  );
  body.push(group(lights, { style: 'mix-blend-mode:screen' }));

  // Rain: everywhere faint, bright in the beam and near the lamp.
  defs.push(
    `<mask id="beamRain">${rect(0, 0, W, H, { fill: '#000' })}${poly(
      [
        [hx, hy],
        [hx + 900, H + 200],
        [hx - 700, H + 200],
      ],
      { fill: '#fff', opacity: 0.8, filter: 'url(#b50)' },
    )}${circle(hx, hy, 320, { fill: 'url(#gSoft)' })}</mask>`,
  );
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 700,
      angle: 0.1,
      len: [8, 16],
      width: 0.8,
      opacity: 0.16,
      color: '#9fb4d8',
    }),
  );
  body.push(
    group(
      rain(r, {
        w: W,
        h: H,
        count: 900,
        angle: 0.1,
        len: [14, 34],
        width: 1.2,
        opacity: 0.75,
        color: '#fff0d6',
      }),
      { mask: 'url(#beamRain)' },
    ),
  );
  body.push(
    group(
      rain(r, {
        w: W,
        h: H,
        count: 400,
        angle: 0.1,
        len: [10, 24],
        width: 1.1,
        opacity: 0.6,
        color: '#ffbf74',
      }),
      { mask: 'url(#lampRain)' },
    ),
  );
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 50,
      angle: 0.1,
      len: [70, 130],
      width: 2.6,
      opacity: 0.12,
      color: '#e8eeff',
      filter: 'b2',
    }),
  );

  const v = vignette(W, H, 0.9);
  defs.push(v.def);
  body.push(v.el);
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// ---------------------------------------------------------------------------------------------------
// Decor: the café car (dining car), one-point perspective down the aisle

function cafeCar() {
  const W = 1344;
  const H = 768;
  const r = rng(303);
  const P = camera(672, 344, 560);
  const FL = -1.45; // floor
  const CE = 0.85; // ceiling
  const WX = 1.35; // walls
  const END = 20;
  const defs = [];
  const body = [];
  const bays = [];
  for (let k = 0; k < 7; k++) bays.push(2.6 + k * 2.3);
  const windowBays = [0.3, ...bays];

  defs.push(
    linear(
      'wood',
      [0, 0, 1, 0],
      [
        [0, '#1a0d07'],
        [1, '#4a2a16'],
      ],
    ),
    linear(
      'woodR',
      [1, 0, 0, 0],
      [
        [0, '#1a0d07'],
        [1, '#4a2a16'],
      ],
    ),
    linear(
      'ceil',
      [0, 0, 0, 1],
      [
        [0, '#1a130c'],
        [1, '#5e4c34'],
      ],
    ),
    linear(
      'carpet',
      [0, 1, 0, 0],
      [
        [0, '#2a0608'],
        [1, '#6a1a18'],
      ],
    ),
    linear(
      'night',
      [0, 0, 0, 1],
      [
        [0, '#050a18'],
        [0.55, '#0e1a33'],
        [0.62, '#1c2b45'],
        [1, '#04060c'],
      ],
    ),
    linear(
      'cloth',
      [0, 0, 0, 1],
      [
        [0, '#f3e6cc'],
        [1, '#b59a72'],
      ],
    ),
    linear(
      'drape',
      [0, 0, 1, 0],
      [
        [0, '#2a0508'],
        [0.5, '#6e1218'],
        [1, '#2a0508'],
      ],
    ),
    linear(
      'velvet',
      [0, 0, 0, 1],
      [
        [0, '#24402f'],
        [0.3, '#142a1e'],
        [1, '#060d09'],
      ],
    ),
    linear(
      'clothTop',
      [0, 0, 1, 0],
      [
        [0, '#fff3dc'],
        [1, '#c9ad84'],
      ],
    ),
    linear(
      'shade',
      [0, 0, 0, 1],
      [
        [0, '#ffcf7a'],
        [1, '#e07a24'],
      ],
    ),
  );

  // Room shell: end wall, ceiling, floor, side walls.
  body.push(rect(0, 0, W, H, { fill: '#0a0604' }));
  body.push(
    P.quad(
      [
        [-WX, CE, 0.5],
        [WX, CE, 0.5],
        [WX, CE, END],
        [-WX, CE, END],
      ],
      { fill: 'url(#ceil)' },
    ),
  );
  body.push(
    P.quad(
      [
        [-WX, CE, 0.5],
        [-0.9, CE + 0.22, 0.5],
        [-0.9, CE + 0.22, END],
        [-WX, CE, END],
      ],
      { fill: '#2a2016' },
    ),
  );
  body.push(
    P.quad(
      [
        [WX, CE, 0.5],
        [0.9, CE + 0.22, 0.5],
        [0.9, CE + 0.22, END],
        [WX, CE, END],
      ],
      { fill: '#2a2016' },
    ),
  );
  body.push(
    P.quad(
      [
        [-WX, FL, 0.5],
        [WX, FL, 0.5],
        [WX, FL, END],
        [-WX, FL, END],
      ],
      { fill: '#120806' },
    ),
  );
  body.push(
    P.quad(
      [
        [-0.5, FL, 0.5],
        [0.5, FL, 0.5],
        [0.5, FL, END],
        [-0.5, FL, END],
      ],
      { fill: 'url(#carpet)' },
    ),
  );
  for (const x of [-0.44, 0.4])
    body.push(
      P.quad(
        [
          [x, FL, 0.5],
          [x + 0.04, FL, 0.5],
          [x + 0.04, FL, END],
          [x, FL, END],
        ],
        { fill: '#b98a3a', opacity: 0.45 },
      ),
    );
  // Carpet motif: small diamonds down the runner.
  const diamonds = [];
  for (let z = 1; z < END; z += 0.6)
    diamonds.push(
      P.quad([
        [0, FL, z],
        [0.1, FL, z + 0.15],
        [0, FL, z + 0.3],
        [-0.1, FL, z + 0.15],
      ]),
    );
  body.push(group(diamonds, { fill: '#a8683a', opacity: 0.28 }));
  body.push(
    P.quad(
      [
        [-WX, FL, 0.5],
        [-WX, CE, 0.5],
        [-WX, CE, END],
        [-WX, FL, END],
      ],
      { fill: 'url(#wood)' },
    ),
  );
  body.push(
    P.quad(
      [
        [WX, FL, 0.5],
        [WX, CE, 0.5],
        [WX, CE, END],
        [WX, FL, END],
      ],
      { fill: 'url(#woodR)' },
    ),
  );

  // End wall with the door to the next car, its glass glowing.
  body.push(
    P.quad(
      [
        [-WX, FL, END],
        [WX, FL, END],
        [WX, CE, END],
        [0.9, CE + 0.22, END],
        [-0.9, CE + 0.22, END],
        [-WX, CE, END],
      ],
      { fill: '#3a2212' },
    ),
  );
  body.push(
    P.quad(
      [
        [-0.42, FL, END],
        [0.42, FL, END],
        [0.42, 0.55, END],
        [-0.42, 0.55, END],
      ],
      { fill: '#1c0f08' },
    ),
  );
  body.push(
    P.quad(
      [
        [-0.3, -0.25, END],
        [0.3, -0.25, END],
        [0.3, 0.42, END],
        [-0.3, 0.42, END],
      ],
      { fill: '#f0b060' },
    ),
  );
  body.push(glow(...P(0, 0.1, END), 90, 'gWarm', 0.6));

  // A microphone on its stand by the door: where the singer stands.
  {
    const [mx, my] = P(0.32, FL, END - 1.6);
    const [, ty] = P(0.32, -0.05, END - 1.6);
    const ms = P.scale(END - 1.6);
    body.push(ellipse(mx, my, 0.7 * ms, 0.12 * ms, { fill: 'url(#gWarm)', opacity: 0.5 }));
    body.push(rect(mx - 0.015 * ms, ty, 0.03 * ms, my - ty, { fill: '#0c0806' }));
    body.push(rect(mx - 0.06 * ms, ty - 0.16 * ms, 0.12 * ms, 0.18 * ms, { fill: '#c8c8cc', rx: 0.05 * ms }));
  }

  // Windows: night outside, lights streaking past, curtains, frames.
  for (const side of [-1, 1]) {
    const X = side * WX;
    const wins = windowBays.map((zb) => [
      [X, -0.35, zb + 0.25],
      [X, 0.5, zb + 0.25],
      [X, 0.5, zb + 1.95],
      [X, -0.35, zb + 1.95],
    ]);
    const clipId = side < 0 ? 'winL' : 'winR';
    defs.push(`<clipPath id="${clipId}">${wins.map((q) => P.quad(q)).join('')}</clipPath>`);
    const outside = [];
    outside.push(
      P.quad(
        [
          [X, -1, 0.5],
          [X, 1, 0.5],
          [X, 1, END],
          [X, -1, END],
        ],
        { fill: 'url(#night)' },
      ),
    );
    // Streaks of passing lamps: lines in the wall plane, so they converge on the vanishing point.
    const streaks = [];
    for (let i = 0; i < 26; i++) {
      const y = r.range(-0.3, 0.3);
      const z0 = r.range(0.8, 14);
      const z1 = z0 + r.range(1.5, 6);
      const th = r.range(0.004, 0.02);
      const col = r.pick(['#ffb060', '#ffd9a0', '#ff8a3c', '#bcd4ff', '#ffffff']);
      streaks.push(
        P.quad(
          [
            [X * 1.01, y, z0],
            [X * 1.01, y + th, z0],
            [X * 1.01, y + th, z1],
            [X * 1.01, y, z1],
          ],
          { fill: col, opacity: r.range(0.35, 0.9) },
        ),
      );
    }
    outside.push(group(streaks, { filter: 'url(#b2)' }));
    // Rain on the glass.
    const drops = [];
    for (const zb of windowBays) {
      for (let i = 0; i < 14; i++) {
        const z = zb + r.range(0.3, 1.9);
        const y = r.range(-0.3, 0.45);
        const [dx, dy] = P(X, y, z);
        const ds = P.scale(z);
        drops.push(pathEl(`M${n(dx)} ${n(dy)}l${n(-side * 0.06 * ds)} ${n(0.01 * ds)}`, {}));
      }
    }
    outside.push(
      group(drops, {
        stroke: '#9fb8e0',
        'stroke-width': 1.2,
        'stroke-opacity': 0.35,
        'stroke-linecap': 'round',
      }),
    );
    body.push(group(outside, { 'clip-path': `url(#${clipId})` }));
    for (const q of wins)
      body.push(P.quad(q, { fill: 'none', stroke: '#c09050', 'stroke-width': 2, 'stroke-opacity': 0.5 }));
    for (const zb of windowBays) {
      // Curtains tied back either side of each window.
      for (const [za, zc] of [
        [zb + 0.12, zb + 0.42],
        [zb + 1.78, zb + 2.08],
      ]) {
        body.push(
          P.quad(
            [
              [X * 0.995, -0.55, za],
              [X * 0.995, 0.62, za],
              [X * 0.995, 0.62, zc],
              [X * 0.995, -0.55, zc],
            ],
            { fill: 'url(#drape)' },
          ),
        );
      }
      // Brass wall sconce between the windows.
      const [sx, sy] = P(X * 0.99, 0.62, zb + 2.2);
      const ss = P.scale(zb + 2.2);
      body.push(ellipse(sx, sy, 0.06 * ss, 0.09 * ss, { fill: '#ffd9a0' }));
    }
    // Panel lines below the windows.
    const panels = [];
    for (let z = 0.6; z < END; z += 0.77)
      panels.push(
        P.quad([
          [X, FL, z],
          [X, -0.45, z],
          [X, -0.45, z + 0.02],
          [X, FL, z + 0.02],
        ]),
      );
    body.push(group(panels, { fill: '#0c0503', opacity: 0.6 }));
    body.push(
      P.quad(
        [
          [X, -0.45, 0.5],
          [X, -0.4, 0.5],
          [X, -0.4, END],
          [X, -0.45, END],
        ],
        { fill: '#c9954a', opacity: 0.5 },
      ),
    );
    body.push(
      P.quad(
        [
          [X, 0.6, 0.5],
          [X, 0.64, 0.5],
          [X, 0.64, END],
          [X, 0.6, END],
        ],
        { fill: '#c9954a', opacity: 0.5 },
      ),
    );
  }

  // Ceiling ribs and lamps.
  const ribs = [];
  const ceilingLamps = [];
  for (const zb of bays) {
    ribs.push(
      P.quad([
        [-0.9, CE + 0.22, zb],
        [0.9, CE + 0.22, zb],
        [0.9, CE + 0.22, zb + 0.05],
        [-0.9, CE + 0.22, zb + 0.05],
      ]),
    );
    const [lx, ly] = P(0, CE + 0.2, zb + 1.1);
    const ls = P.scale(zb + 1.1);
    body.push(ellipse(lx, ly, 0.22 * ls, 0.07 * ls, { fill: '#fff0d0' }));
    ceilingLamps.push(glow(lx, ly, 1.4 * ls + 20, 'gWarm', 0.55));
  }
  body.push(group(ribs, { fill: '#1a120a', opacity: 0.7 }));

  // Tables, far to near: chair behind, table with cloth and lamp, chair in front.
  const tableLights = [];
  for (const zb of [...bays].reverse()) {
    for (const side of [-1, 1]) {
      const zc = zb + 1.1;
      const xi = side * 0.5; // aisle edge of the table
      const xw = side * WX;
      const ty = -0.72;
      const chair = (z) => {
        const xa = side * 0.62;
        const xb = side * 1.22;
        const top = -0.52;
        const [ax, ay] = P(xa, top, z);
        const [bx2] = P(xb, top, z);
        const cs = P.scale(z);
        const q = [
          [xa, FL + 0.45, z],
          [xb, FL + 0.45, z],
          [xb, top, z],
          [xa, top, z],
        ];
        const out = [P.quad(q, { fill: 'url(#velvet)' })];
        const mx = (ax + bx2) / 2;
        const rx = Math.abs(bx2 - ax) / 2;
        out.push(ellipse(mx, ay, rx, 0.12 * cs, { fill: '#24402f' }));
        out.push(
          pathEl(`M${n(mx - rx)} ${n(ay)}A${n(rx)} ${n(0.12 * cs)} 0 0 1 ${n(mx + rx)} ${n(ay)}`, {
            fill: 'none',
            stroke: '#c9954a',
            'stroke-width': Math.max(1, 0.02 * cs),
            opacity: 0.7,
          }),
        );
        for (const x of [xa + side * 0.03, xb - side * 0.06]) {
          out.push(
            P.quad(
              [
                [x, FL, z],
                [x + side * 0.03, FL, z],
                [x + side * 0.03, FL + 0.45, z],
                [x, FL + 0.45, z],
              ],
              { fill: '#0a0604' },
            ),
          );
        }
        return out.join('');
      };
      body.push(chair(zc + 0.8));
      // Cloth: top, aisle-side drop, near drop.
      body.push(
        P.quad(
          [
            [xi, ty, zc - 0.45],
            [xw, ty, zc - 0.45],
            [xw, ty, zc + 0.45],
            [xi, ty, zc + 0.45],
          ],
          { fill: side < 0 ? 'url(#clothTop)' : 'url(#cloth)' },
        ),
      );
      body.push(
        P.quad(
          [
            [xi, ty, zc - 0.45],
            [xi, ty - 0.2, zc - 0.45],
            [xi, ty - 0.2, zc + 0.45],
            [xi, ty, zc + 0.45],
          ],
          { fill: '#6a5238' },
        ),
      );
      body.push(
        P.quad(
          [
            [xi, ty, zc - 0.45],
            [xw, ty, zc - 0.45],
            [xw, ty - 0.2, zc - 0.45],
            [xi, ty - 0.2, zc - 0.45],
          ],
          { fill: '#bba27c' },
        ),
      );
      body.push(
        P.quad(
          [
            [side * 0.9, ty - 0.2, zc],
            [side * 0.94, ty - 0.2, zc],
            [side * 0.94, FL, zc],
            [side * 0.9, FL, zc],
          ],
          { fill: '#0a0604' },
        ),
      );
      // Lamp with a pleated shade, a bottle, two glasses.
      const s = P.scale(zc);
      const [lx, ly] = P(side * 1.1, ty, zc);
      const on = r() < 0.85;
      body.push(rect(lx - 0.012 * s, ly - 0.36 * s, 0.024 * s, 0.36 * s, { fill: '#b08040' }));
      body.push(
        poly(
          [
            [lx - 0.07 * s, ly - 0.42 * s],
            [lx + 0.07 * s, ly - 0.42 * s],
            [lx + 0.11 * s, ly - 0.28 * s],
            [lx - 0.11 * s, ly - 0.28 * s],
          ],
          { fill: on ? 'url(#shade)' : '#5a3418' },
        ),
      );
      if (on) {
        tableLights.push(glow(lx, ly - 0.32 * s, 0.9 * s + 10, 'gSodium', 0.8));
        tableLights.push(
          ellipse(lx - side * 0.2 * s, ly + 0.02 * s, 0.45 * s, 0.12 * s, {
            fill: 'url(#gWarm)',
            opacity: 0.5,
          }),
        );
      }
      const [bx, by] = P(side * 0.8, ty, zc + 0.15);
      body.push(rect(bx - 0.025 * s, by - 0.3 * s, 0.05 * s, 0.3 * s, { fill: '#1d2a14', rx: 0.02 * s }));
      body.push(rect(bx - 0.01 * s, by - 0.3 * s, 0.012 * s, 0.2 * s, { fill: '#8aa070', opacity: 0.6 }));
      for (const dz of [-0.2, 0.05]) {
        const [gx, gy] = P(side * 0.68, ty, zc + dz);
        body.push(
          pathEl(
            `M${n(gx - 0.03 * s)} ${n(gy - 0.14 * s)}h${n(0.06 * s)}l${n(-0.025 * s)} ${n(0.07 * s)}v${n(0.07 * s)}h${n(-0.01 * s)}v${n(-0.07 * s)}z`,
            { fill: '#e8e2d8', opacity: 0.55 },
          ),
        );
      }
      body.push(chair(zc - 0.8));
    }
  }
  body.push(group([...ceilingLamps, ...tableLights], { style: 'mix-blend-mode:screen' }));

  // Cigarette haze under the ceiling and a little everywhere.
  body.push(
    steam(r, {
      cx: 672,
      cy: 230,
      spread: [500, 90],
      count: 20,
      r: [50, 120],
      color: '#c89a68',
      opacity: [0.05, 0.14],
      filter: 'smokeBig',
    }),
  );
  body.push(rect(0, 0, W, H, { fill: '#ffb060', opacity: 0.04 }));

  const v = vignette(W, H, 0.9);
  defs.push(v.def);
  body.push(v.el);
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// ---------------------------------------------------------------------------------------------------
// Decor: the train crossing an iron truss bridge over a river, moonlight and steam

function bridge() {
  const W = 1344;
  const H = 768;
  const r = rng(404);
  // The bridge is drawn in its own units, then scaled into the frame: k, tx, ty.
  const WATER = 528;
  const DECK = 452;
  const TOP = 352;
  const k = 1.32;
  const tx = 1262 - 1216 * k;
  const ty = 462 - DECK * k;
  const WY = WATER * k + ty; // waterline in the frame
  const placed = `translate(${n(tx)} ${n(ty)}) scale(${k})`;
  const defs = [];
  const body = [];

  defs.push(
    linear(
      'skyB',
      [0, 0, 0, WY],
      [
        [0, '#02040a'],
        [0.45, '#0a1428'],
        [0.85, '#1a2a46'],
        [1, '#24344e'],
      ],
      true,
    ),
    linear(
      'river',
      [0, WY, 0, H],
      [
        [0, '#101a2c'],
        [0.35, '#070c16'],
        [1, '#020308'],
      ],
      true,
    ),
    radial('moonG', [
      [0, '#f4f1e6', 1],
      [0.18, '#f4f1e6', 1],
      [0.22, '#c7d6ef', 0.4],
      [0.5, '#8aa4d0', 0.12],
      [1, '#8aa4d0', 0],
    ]),
    linear(
      'carB',
      [0, 0, 0, 1],
      [
        [0, '#22324a'],
        [1, '#080d14'],
      ],
    ),
    linear(
      'stone',
      [0, 0, 1, 0],
      [
        [0, '#0b0e15'],
        [0.7, '#161c28'],
        [1, '#34425e'],
      ],
    ),
    linear(
      'beamB',
      [0, 0, 1, 0],
      [
        [0, '#fff0d0', 0.5],
        [1, '#fff0d0', 0],
      ],
    ),
  );

  body.push(rect(0, 0, W, H, { fill: 'url(#skyB)' }));
  // Moon behind thin, torn cloud.
  body.push(circle(1010, 120, 230, { fill: 'url(#moonG)' }));
  body.push(
    steam(r, {
      cx: 560,
      cy: 90,
      spread: [620, 50],
      count: 24,
      r: [40, 110],
      color: '#121a2b',
      opacity: [0.55, 0.9],
      filter: 'smokeBig',
    }),
  );
  body.push(
    steam(r, {
      cx: 1020,
      cy: 150,
      spread: [240, 26],
      count: 10,
      r: [24, 60],
      color: '#6a7c9e',
      opacity: [0.25, 0.5],
      filter: 'smoke',
    }),
  );
  body.push(
    steam(r, {
      cx: 980,
      cy: 60,
      spread: [300, 20],
      count: 8,
      r: [20, 50],
      color: '#0e1524',
      opacity: [0.4, 0.6],
      filter: 'smoke',
    }),
  );

  // Hills and a village on the far bank.
  const ridge = (y0, amp, step, fill, seed) => {
    const rr = rng(seed);
    let d = `M0 ${H}L0 ${n(y0)}`;
    for (let x = 0; x <= W + step; x += step)
      d += `L${n(x)} ${n(y0 - amp * (0.5 + 0.5 * Math.sin(x / 170 + seed)) - rr.range(0, amp * 0.3))}`;
    return pathEl(`${d}L${W} ${H}Z`, { fill });
  };
  body.push(ridge(WY - 50, 70, 24, '#0b1222', 1));
  body.push(ridge(WY - 14, 36, 16, '#060912', 2));
  const village = [];
  for (let i = 0; i < 26; i++) village.push(rect(r.range(20, 460), r.range(WY - 34, WY - 10), 2.5, 2));
  body.push(group(village, { fill: '#f0a050', opacity: 0.65 }));

  // River surface.
  body.push(rect(0, WY, W, H - WY, { fill: 'url(#river)' }));

  // The bridge and the train, drawn once, reused for the reflection.
  const scene = [];
  const truss = (dx, dy, wMember, fill) => {
    const out = [];
    const panel = 64;
    out.push(rect(-400, TOP + dy, W + 500, wMember + 2));
    out.push(rect(-400, DECK - 10 + dy, W + 500, wMember + 4));
    for (let x = -360 + dx, i = 0; x < W + 100; x += panel, i++) {
      out.push(rect(x - wMember / 2, TOP + dy, wMember, DECK - TOP));
      const [xa, xb] = i % 2 ? [x, x + panel] : [x + panel, x];
      out.push(
        pathEl(`M${n(xa)} ${n(TOP + dy)}L${n(xb)} ${n(DECK - 8 + dy)}`, {
          stroke: fill,
          'stroke-width': wMember,
          fill: 'none',
        }),
      );
    }
    return group(out, { fill });
  };
  scene.push(truss(18, -6, 4, '#0c121d'));
  // Train: carriages leftwards from the tender, engine on the right heading right.
  const train = [];
  const winLights = [];
  const cars = [];
  for (let x = 890 - 214; x > -420; x -= 214) cars.push(x);
  for (const x of cars) {
    train.push(rect(x, 384, 206, 60, { fill: 'url(#carB)', rx: 4 }));
    train.push(pathEl(`M${x} 386Q${x + 103} 370 ${x + 206} 386Z`, { fill: '#121b27' }));
    for (let i = 0; i < 7; i++) {
      const on = r() < 0.8;
      const wx = x + 12 + i * 27;
      train.push(rect(wx, 398, 17, 18, { fill: on ? '#ffc872' : '#3a2616', rx: 2 }));
      if (on) winLights.push([wx + 8.5, 407]);
    }
    train.push(rect(x, 430, 206, 3, { fill: '#b4813f', opacity: 0.5 }));
    for (const wx of [x + 30, x + 50, x + 156, x + 176]) train.push(circle(wx, 446, 8, { fill: '#05070b' }));
  }
  // Tender.
  train.push(rect(892, 392, 96, 52, { fill: '#0d121b', rx: 3 }));
  train.push(rect(896, 384, 88, 10, { fill: '#090c12' }));
  // Engine: cab, boiler, smokebox, chimney, dome, wheels.
  train.push(rect(990, 372, 62, 72, { fill: '#0b1019' }));
  train.push(rect(984, 366, 74, 8, { fill: '#070a10', rx: 2 }));
  train.push(rect(1000, 382, 20, 18, { fill: '#ffb45a' }));
  train.push(rect(1052, 392, 150, 40, { fill: '#0e141f', rx: 18 }));
  train.push(rect(1190, 390, 26, 44, { fill: '#0a0e16', rx: 6 }));
  train.push(rect(1162, 368, 14, 26, { fill: '#090d14' }));
  train.push(rect(1158, 364, 22, 6, { fill: '#090d14' }));
  train.push(ellipse(1112, 390, 14, 10, { fill: '#0a0f17' }));
  train.push(rect(1050, 432, 168, 6, { fill: '#05070b' }));
  for (const wx of [1074, 1112, 1150])
    train.push(circle(wx, 436, 15, { fill: '#070a10', stroke: '#2a3448', 'stroke-width': 2 }));
  train.push(circle(1196, 444, 7, { fill: '#070a10' }));
  // Moonlight catching the top edges.
  train.push(
    pathEl(`M${cars.at(-1)} 378H1058M1052 392H1202`, {
      stroke: '#8aa4d0',
      'stroke-width': 1.5,
      opacity: 0.35,
    }),
  );
  scene.push(...train);
  scene.push(truss(0, 0, 6, '#070b12'));
  scene.push(rect(-400, TOP - 1, W + 500, 2, { fill: '#7c95c4', opacity: 0.45 }));
  // Stone piers with coursed masonry.
  for (const px of [180, 660, 1130]) {
    scene.push(
      poly(
        [
          [px - 34, DECK + 6],
          [px + 34, DECK + 6],
          [px + 44, WATER + 6],
          [px - 44, WATER + 6],
        ],
        { fill: 'url(#stone)' },
      ),
    );
    const courses = [];
    for (let y = DECK + 16; y < WATER; y += 10) courses.push(`M${px - 40} ${y}H${px + 40}`);
    scene.push(pathEl(courses.join(''), { stroke: '#05070b', 'stroke-width': 1, opacity: 0.6 }));
    scene.push(rect(px - 40, DECK + 4, 80, 6, { fill: '#1a2030' }));
  }
  scene.push(rect(-400, DECK + 2, W + 500, 8, { fill: '#05070b' }));

  // Steam plume: rolls back from the chimney, lit orange underneath by the firebox.
  const plume = [];
  for (let i = 0; i < 60; i++) {
    const t = (i / 59) ** 1.4;
    const x = 1166 - t * 760 + r.range(-10, 10) * (1 + t * 3);
    const y = 356 - Math.sqrt(t) * 120 + r.range(-8, 8) * (1 + t * 3);
    const rr = 9 + t * 50;
    plume.push(
      ellipse(x, y, rr * 1.4, rr, { fill: t < 0.2 ? '#e6eaf2' : '#a4b0c8', opacity: 0.8 * (1 - t * 0.8) }),
    );
  }
  // The underside catches the firebox glow near the engine.
  for (let i = 0; i < 8; i++)
    plume.push(
      ellipse(1100 - i * 30, 362 - i * 8, 22 + i * 3, 10, { fill: '#ff9a40', opacity: 0.25 - i * 0.025 }),
    );
  const plumeEl = group(plume, { filter: 'url(#plume)' });

  body.push(group(scene, { transform: placed }));
  body.push(group(plumeEl, { transform: placed }));

  // Reflection: the same drawing flipped about the waterline, blurred, broken by ripples.
  defs.push(
    '<filter id="reflect" x="-5%" y="-5%" width="110%" height="110%">' +
      '<feTurbulence type="fractalNoise" baseFrequency="0.004 0.12" numOctaves="2" seed="5" result="n"/>' +
      '<feDisplacementMap in="SourceGraphic" in2="n" scale="10" xChannelSelector="R" yChannelSelector="A" result="d"/>' +
      '<feGaussianBlur in="d" stdDeviation="1.5 4"/></filter>',
  );
  const lit = winLights.map(([x, y]) => rect(x - 3, y - 14, 6, 28, { fill: '#ffc872' }));
  body.push(
    group(
      group(group([...scene, ...lit], { transform: placed }), {
        transform: `translate(0 ${n(2 * WY)}) scale(1 -1)`,
      }),
      {
        filter: 'url(#reflect)',
        opacity: 0.5,
      },
    ),
  );
  // Ripples across the reflection.
  const ripples = [];
  for (let y = WY + 3; y < H; y += r.range(4, 9)) ripples.push(rect(0, y, W, r.range(0.8, 2)));
  body.push(group(ripples, { fill: '#020308', opacity: 0.45 }));

  // Moon path on the water.
  const moonPath = [];
  for (let y = WY + 4; y < H; y += r.range(3, 7)) {
    const spread = 20 + (y - WY) * 0.5;
    const w = r.range(8, 70) * (1 - (y - WY) / (H - WY + 80));
    moonPath.push(rect(1010 + r.range(-spread, spread) - w / 2, y, w, 1.6, { opacity: r.range(0.15, 0.6) }));
  }
  body.push(group(moonPath, { fill: '#c9d8f2', filter: 'url(#b1)' }));

  // Firebox glow, window glows, headlamp beam into the rain.
  const lights = [glow(1010, 392, 80, 'gSodium', 0.7), glow(1216, 404, 50, 'gWarm', 1)];
  for (const [x, y] of winLights) lights.push(glow(x, y, 18, 'gWarm', 0.45));
  body.push(group(group(lights, { transform: placed }), { style: 'mix-blend-mode:screen' }));
  body.push(
    group(
      poly(
        [
          [1216, 404],
          [1216 + 400, 340],
          [1216 + 400, 470],
        ],
        { fill: 'url(#beamB)', filter: 'url(#b8)' },
      ),
      { transform: placed },
    ),
  );

  // River mist and rain.
  body.push(
    steam(r, {
      cx: 672,
      cy: WY + 4,
      spread: [700, 8],
      count: 22,
      r: [14, 34],
      color: '#6a7c9c',
      opacity: [0.15, 0.35],
      filter: 'smokeFine',
    }),
  );
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 700,
      angle: 0.25,
      len: [8, 16],
      width: 0.8,
      opacity: 0.2,
      color: '#a9bde0',
    }),
  );
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 40,
      angle: 0.25,
      len: [60, 110],
      width: 2.2,
      opacity: 0.1,
      color: '#dbe6ff',
      filter: 'b2',
    }),
  );

  const v = vignette(W, H, 0.85);
  defs.push(v.def);
  body.push(v.el);
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// ---------------------------------------------------------------------------------------------------
// Cast portraits (768×1024). Figures are written in front-view coordinates (u across from the centre
// line, y down) and mapped through a turn: each body part is an elliptic section (half-width wx,
// half-depth dz) rotated by θ about the vertical axis, so one drawing gives the front and the
// three-quarter view.

/** Path from segments like ['M', [u, y]], ['C', [u, y], [u, y], [u, y]], ['Z'], mapped through `map`. */
function shape(segs, map) {
  return segs
    .map(
      ([cmd, ...ps]) =>
        cmd +
        ps
          .map((p) => {
            const [x, y] = map(p);
            return `${n(x)} ${n(y)}`;
          })
          .join(' '),
    )
    .join('');
}

/** Mirror a list of segments across the centre line. */
const mirror = (segs) => segs.map(([cmd, ...ps]) => [cmd, ...ps.map(([u, y]) => [-u, y])]);

function turnMaps(cx, theta) {
  const c = Math.cos(theta);
  const sn = Math.sin(theta);
  /** A point on the front surface of a part, `lift` metres… pixels proud of it (nose, visor). */
  const surface =
    (wx, dz) =>
    ([u, y], lift = 0) => {
      const t = Math.max(0, 1 - (u / wx) ** 2);
      return [cx + u * c + (dz * Math.sqrt(t) + lift) * sn, y];
    };
  /** The silhouette of a part: its rotated width. */
  const outline = (wx, dz) => {
    const k = Math.sqrt(wx * wx * c * c + dz * dz * sn * sn) / wx;
    return ([u, y]) => [cx + u * k, y];
  };
  /** Foreshortening of a flat feature at u (buttons, badges). */
  const squash = (wx, u) => {
    const phi = Math.asin(Math.max(-1, Math.min(1, u / wx)));
    return Math.max(0.05, Math.cos(phi + theta) / Math.max(0.05, Math.cos(phi)));
  };
  return { surface, outline, squash };
}

/** A portrait's shared finish: light wrap clipped to the figure, foreground rain, vignette. */
function portraitFinish(
  W,
  H,
  defs,
  body,
  { sil, rim = '#8fb4ff', rimFrom = 'right', warm, rainOpts, vig = 0.85 },
) {
  defs.push(`<clipPath id="sil">${pathEl(sil)}</clipPath>`);
  defs.push(
    linear('rimG', rimFrom === 'right' ? [0, 0, 1, 0] : [1, 0, 0, 0], [
      [0, rim, 0],
      [0.6, rim, 0],
      [1, rim, 0.95],
    ]),
  );
  const wrap = [];
  wrap.push(pathEl(sil, { fill: 'none', stroke: 'url(#rimG)', 'stroke-width': 16, filter: 'url(#b4)' }));
  if (warm)
    wrap.push(
      circle(warm.x, warm.y, warm.r, {
        fill: `url(#${warm.grad ?? 'gSodium'})`,
        opacity: warm.opacity ?? 0.6,
      }),
    );
  body.push(group(group(wrap, { style: 'mix-blend-mode:screen' }), { 'clip-path': 'url(#sil)' }));
  if (rainOpts) body.push(...rainOpts.map((o) => rain(o.rand, { w: W, h: H, ...o })));
  const v = vignette(W, H, vig, 'pvig');
  defs.push(v.def);
  body.push(v.el);
}

// Mara Vell, the conductor: peaked cap with a brass badge, long navy double-breasted coat, lantern.
function mara(theta, variant) {
  const W = 768;
  const H = 1024;
  const cx = 384;
  const r = rng(variant === 'front' ? 501 : 502);
  const T = turnMaps(cx, theta);
  const torso = T.surface(172, 110);
  const torsoO = T.outline(172, 110);
  const head = T.surface(56, 64);
  const headO = T.outline(56, 64);
  const cap = T.surface(100, 104);
  const capO = T.outline(100, 104);
  const defs = [];
  const body = [];

  defs.push(
    linear(
      'bgM',
      [0, 0, 0, 1],
      [
        [0, '#050914'],
        [0.5, '#0f1a30'],
        [0.62, '#1a2640'],
        [1, '#070a12'],
      ],
    ),
    linear(
      'coat',
      [0, 0, 1, 0],
      [
        [0, '#2c3652'],
        [0.45, '#18233c'],
        [1, '#0c1324'],
      ],
    ),
    linear(
      'coatDark',
      [0, 0, 0, 1],
      [
        [0, '#000', 0],
        [1, '#000', 0.55],
      ],
    ),
    linear(
      'lapel',
      [0, 0, 1, 1],
      [
        [0, '#2e3e62'],
        [1, '#151f36'],
      ],
    ),
    linear(
      'skin',
      [0, 0, 1, 0.3],
      [
        [0, '#e0ae88'],
        [0.55, '#b88062'],
        [1, '#6e4636'],
      ],
    ),
    linear(
      'visorShade',
      [0, 0, 0, 1],
      [
        [0, '#1a0c08', 0.85],
        [0.45, '#1a0c08', 0.35],
        [1, '#1a0c08', 0],
      ],
    ),
    linear(
      'capG',
      [0, 0, 1, 0.4],
      [
        [0, '#2c3a5e'],
        [0.5, '#1a2540'],
        [1, '#0e1528'],
      ],
    ),
    linear(
      'brass',
      [0, 0, 1, 1],
      [
        [0, '#ffe6a0'],
        [0.5, '#d4a040'],
        [1, '#6a4a18'],
      ],
    ),
    linear(
      'glass',
      [0, 0, 0, 1],
      [
        [0, '#fff2c8'],
        [1, '#ff9a3a'],
      ],
    ),
  );

  // Background: the platform at night, out of focus.
  body.push(rect(0, 0, W, H, { fill: 'url(#bgM)' }));
  const flip = variant === 'front' ? 1 : -1;
  body.push(
    group(
      [glow(384 + flip * 250, 300, 260, 'gSodium', 0.55), glow(384 - flip * 300, 180, 140, 'gSodium', 0.35)],
      { style: 'mix-blend-mode:screen' },
    ),
  );
  const windows = [];
  for (let i = 0; i < 14; i++)
    windows.push(
      rect(i * 62 - 20 + (variant === 'front' ? 0 : 30), 600, 40, 46, {
        fill: '#ffb866',
        opacity: r.range(0.35, 0.7),
        rx: 6,
      }),
    );
  body.push(group(windows, { filter: 'url(#b16)' }));
  body.push(
    bokeh(r, { count: 18, x: [0, W], y: [80, 560], r: [14, 46], grad: 'gBokehW', opacity: [0.25, 0.8] }),
  );
  body.push(
    bokeh(r, { count: 10, x: [0, W], y: [60, 700], r: [10, 30], grad: 'gBokehC', opacity: [0.2, 0.6] }),
  );
  body.push(
    steam(r, {
      cx: 384,
      cy: 760,
      spread: [420, 80],
      count: 16,
      r: [40, 110],
      color: '#8a98b4',
      opacity: [0.1, 0.24],
      filter: 'smokeBig',
    }),
  );
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 500,
      angle: 0.12,
      len: [10, 22],
      width: 0.9,
      opacity: 0.18,
      color: '#a9bde0',
      filter: 'b1',
    }),
  );

  // Hair: a low bun at the nape, seen when she turns.
  if (theta > 0) body.push(ellipse(...head([-46, 372]), 26, 22, { fill: '#2a1610' }));

  // Coat body.
  const torsoSegs = [
    ['M', [-36, 442]],
    ['C', [-80, 450], [-132, 460], [-154, 500]],
    ['C', [-170, 540], [-176, 610], [-180, 700]],
    ['L', [-198, 1030]],
    ['L', [198, 1030]],
    ['L', [180, 700]],
    ['C', [176, 610], [170, 540], [154, 500]],
    ['C', [132, 460], [80, 450], [36, 442]],
    ['Z'],
  ];
  const sil = shape(torsoSegs, torsoO);
  defs.push(`<clipPath id="silCoat">${pathEl(sil)}</clipPath>`);
  body.push(pathEl(sil, { fill: 'url(#coat)' }));
  // Sleeves, separated by shadowed seams; cuffs with two brass rings.
  for (const side of [-1, 1]) {
    const arm = [
      ['M', [side * 154, 502]],
      ['C', [side * 170, 548], [side * 178, 700], [side * 184, 862]],
      ['L', [side * 130, 862]],
      ['C', [side * 128, 760], [side * 126, 620], [side * 132, 528]],
      ['Z'],
    ];
    body.push(pathEl(shape(arm, torsoO), { fill: side < 0 ? '#27324f' : '#0e1526', opacity: 0.9 }));
    body.push(
      pathEl(
        shape(
          [
            ['M', [side * 132, 528]],
            ['C', [side * 126, 620], [side * 128, 760], [side * 130, 862]],
          ],
          torso,
        ),
        { fill: 'none', stroke: '#060a14', 'stroke-width': 3 },
      ),
    );
    for (const y of [828, 842])
      body.push(
        pathEl(
          shape(
            [
              ['M', [side * 131, y]],
              ['L', [side * 183, y]],
            ],
            torso,
          ),
          { stroke: '#c9953e', 'stroke-width': 3, opacity: 0.85 },
        ),
      );
  }
  // Long folds in the wool.
  const folds = [];
  for (const [u, w] of [
    [-110, 16],
    [-66, 10],
    [96, 14],
    [120, 18],
    [30, 10],
  ]) {
    folds.push(
      pathEl(
        shape(
          [
            ['M', [u, 600]],
            ['C', [u + 4, 760], [u + 10, 900], [u + 16, 1030]],
          ],
          torso,
        ),
        { stroke: '#04070e', 'stroke-width': w, opacity: 0.4, fill: 'none' },
      ),
    );
    folds.push(
      pathEl(
        shape(
          [
            ['M', [u + w, 640]],
            ['C', [u + w + 4, 780], [u + w + 8, 900], [u + w + 14, 1030]],
          ],
          torso,
        ),
        { stroke: '#41537c', 'stroke-width': w / 3, opacity: 0.3, fill: 'none' },
      ),
    );
  }
  body.push(group(folds, { filter: 'url(#b8)', 'clip-path': 'url(#silCoat)' }));
  body.push(pathEl(sil, { fill: 'url(#coatDark)' }));

  // Neck, shirt and tie in the collar's V.
  body.push(
    pathEl(shape([['M', [-24, 380]], ['L', [-27, 460]], ['L', [27, 460]], ['L', [24, 380]], ['Z']], head), {
      fill: '#8a5a44',
    }),
  );
  body.push(ellipse(...head([0, 416]), 30, 16, { fill: '#2a140c', opacity: 0.55, filter: 'url(#b4)' }));
  body.push(
    pathEl(shape([['M', [-30, 452]], ['L', [30, 452]], ['L', [2, 566]], ['Z']], torso), { fill: '#cfc8b8' }),
  );
  body.push(
    pathEl(
      shape(
        [['M', [-8, 458]], ['L', [8, 458]], ['L', [12, 540]], ['L', [1, 564]], ['L', [-10, 540]], ['Z']],
        torso,
      ),
      { fill: '#4a121c' },
    ),
  );
  // Lapels, collar, shoulder boards.
  const lapelL = [
    ['M', [-26, 456]],
    ['L', [-62, 494]],
    ['L', [-90, 526]],
    ['L', [-72, 546]],
    ['L', [-32, 640]],
    ['L', [6, 664]],
    ['L', [2, 564]],
    ['Z'],
  ];
  body.push(pathEl(shape(lapelL, torso), { fill: 'url(#lapel)', stroke: '#3e5482', 'stroke-width': 1.5 }));
  body.push(
    pathEl(shape(mirror(lapelL), torso), { fill: '#141d33', stroke: '#0a0f1c', 'stroke-width': 1.5 }),
  );
  const collarL = [['M', [-34, 436]], ['L', [-80, 452]], ['L', [-60, 504]], ['L', [-18, 470]], ['Z']];
  body.push(pathEl(shape(collarL, torso), { fill: '#2a3a60' }));
  body.push(pathEl(shape(mirror(collarL), torso), { fill: '#131c32' }));
  for (const side of [-1, 1]) {
    const board = [
      ['M', [side * 58, 454]],
      ['L', [side * 132, 466]],
      ['L', [side * 142, 486]],
      ['L', [side * 64, 474]],
      ['Z'],
    ];
    body.push(pathEl(shape(board, torso), { fill: '#0b1120', stroke: '#c9953e', 'stroke-width': 2 }));
  }
  // Front edge of the double-breasted coat, buttons, pocket flaps, watch chain.
  body.push(
    pathEl(
      shape(
        [
          ['M', [6, 664]],
          ['L', [24, 1030]],
        ],
        torso,
      ),
      { stroke: '#070b16', 'stroke-width': 3, fill: 'none' },
    ),
  );
  for (const y of [700, 770, 840, 910]) {
    for (const u of [-50, 56]) {
      const [bx, by] = torso([u, y]);
      const k = T.squash(172, u);
      body.push(ellipse(bx, by, 9 * k, 9, { fill: 'url(#brass)' }));
      body.push(ellipse(bx - 2 * k, by - 3, 3 * k, 2, { fill: '#fff6d0', opacity: 0.8 }));
    }
  }
  for (const side of [-1, 1]) {
    body.push(
      pathEl(
        shape(
          [
            ['M', [side * 66, 930]],
            ['L', [side * 124, 926]],
            ['L', [side * 126, 950]],
            ['L', [side * 68, 954]],
            ['Z'],
          ],
          torso,
        ),
        { fill: '#0e1528', stroke: '#2a3656', 'stroke-width': 1.2 },
      ),
    );
  }
  body.push(
    pathEl(
      shape(
        [
          ['M', [-50, 770]],
          ['Q', [-80, 818], [-116, 796]],
        ],
        torso,
      ),
      { stroke: '#e0b050', 'stroke-width': 2.2, fill: 'none', 'stroke-dasharray': '3 2' },
    ),
  );

  // Head: ears, face, hair, features.
  for (const side of [-1, 1]) {
    const [ex, ey] = head([side * 55, 338]);
    const k = T.squash(56, side * 50);
    if (k > 0.2) body.push(ellipse(ex, ey, 8 * Math.min(1, k + 0.3), 16, { fill: '#a06a50' }));
  }
  const face = [
    ['M', [-54, 300]],
    ['C', [-56, 350], [-44, 392], [0, 412]],
    ['C', [44, 392], [56, 350], [54, 300]],
    ['C', [52, 262], [30, 250], [0, 250]],
    ['C', [-30, 250], [-52, 262], [-54, 300]],
    ['Z'],
  ];
  const faceD = shape(face, head);
  // The head's own silhouette first (in shadow), then the lit face plane on it.
  body.push(pathEl(shape(face, headO), { fill: '#7a4e3c' }));
  defs.push(`<clipPath id="faceClip">${pathEl(faceD)}</clipPath>`);
  body.push(pathEl(faceD, { fill: 'url(#skin)' }));
  const feat = [];
  feat.push(ellipse(...head([46, 340]), 34, 100, { fill: '#3a1e14', opacity: 0.45, filter: 'url(#b8)' }));
  feat.push(ellipse(...head([-30, 400]), 50, 40, { fill: '#ffb070', opacity: 0.3, filter: 'url(#b8)' }));
  // Brows, eyes in the shade of the visor, nose, mouth, jaw shadow.
  for (const side of [-1, 1]) {
    const k = T.squash(56, side * 22);
    const [ex, ey] = head([side * 22, 318]);
    feat.push(ellipse(ex, ey + 1, 14 * k, 7, { fill: '#5a3426', opacity: 0.5, filter: 'url(#b2)' }));
    feat.push(ellipse(ex, ey, 9 * k, 3.6, { fill: '#1e0f0a' }));
    feat.push(circle(ex + 2 * k, ey - 1, 1.1, { fill: '#f0d8c0', opacity: 0.5 }));
    feat.push(
      pathEl(
        shape(
          [
            ['M', [side * 10, 304]],
            ['Q', [side * 22, 298], [side * 36, 304]],
          ],
          head,
        ),
        { stroke: '#2a1610', 'stroke-width': 3, fill: 'none', 'stroke-linecap': 'round' },
      ),
    );
  }
  feat.push(
    pathEl(
      `M${n(head([2, 322], 6)[0])} 322Q${n(head([6, 346], 14)[0])} 348 ${n(head([8, 354], 16)[0])} 356Q${n(head([0, 360], 10)[0])} 362 ${n(head([-8, 356], 6)[0])} 356`,
      { stroke: '#6a3e2c', 'stroke-width': 2.5, fill: 'none', opacity: 0.8 },
    ),
  );
  feat.push(
    pathEl(shape([['M', [-15, 378]], ['Q', [0, 372], [15, 378]], ['Q', [0, 390], [-15, 378]], ['Z']], head), {
      fill: '#8a2a2a',
    }),
  );
  feat.push(
    pathEl(faceD, { fill: 'none', stroke: '#3a2018', 'stroke-width': 10, opacity: 0.35, filter: 'url(#b4)' }),
  );
  feat.push(rect(300, 250, 170, 70, { fill: 'url(#visorShade)' }));
  body.push(group(feat, { 'clip-path': 'url(#faceClip)' }));
  // Hair at the temples under the cap.
  const hairL = [
    ['M', [-58, 266]],
    ['C', [-68, 310], [-64, 352], [-52, 376]],
    ['L', [-46, 330]],
    ['C', [-44, 300], [-36, 282], [-24, 270]],
    ['Z'],
  ];
  body.push(pathEl(shape(hairL, head), { fill: '#2a1610' }));
  if (theta < 0.3) body.push(pathEl(shape(mirror(hairL), head), { fill: '#2a1610' }));

  // Cap: crown, band with brass cord, badge, visor.
  const crown = [
    ['M', [-74, 236]],
    ['C', [-96, 226], [-112, 206], [-100, 192]],
    ['C', [-70, 176], [70, 176], [100, 192]],
    ['C', [112, 206], [96, 226], [74, 236]],
    ['Z'],
  ];
  body.push(pathEl(shape(crown, capO), { fill: 'url(#capG)' }));
  body.push(
    pathEl(
      shape(
        [
          ['M', [-90, 196]],
          ['C', [-50, 184], [50, 184], [90, 196]],
        ],
        capO,
      ),
      { stroke: '#3a4c78', 'stroke-width': 3, fill: 'none', opacity: 0.7 },
    ),
  );
  const band = [['M', [-74, 234]], ['L', [74, 234]], ['L', [72, 266]], ['L', [-72, 266]], ['Z']];
  body.push(
    pathEl(
      shape(band, (p) => [capO(p)[0], p[1]]),
      { fill: '#0c1222' },
    ),
  );
  body.push(
    pathEl(
      shape(
        [
          ['M', [-72, 262]],
          ['L', [72, 262]],
        ],
        cap,
      ),
      { stroke: '#d9a441', 'stroke-width': 3 },
    ),
  );
  {
    const [bx, by] = cap([0, 248], 4);
    const k = T.squash(100, 0);
    body.push(
      pathEl(
        `M${n(bx - 8 * k)} ${n(by - 2)}L${n(bx - 34 * k)} ${n(by - 9)}L${n(bx - 26 * k)} ${n(by + 1)}L${n(bx - 34 * k)} ${n(by + 4)}L${n(bx - 8 * k)} ${n(by + 5)}Z`,
        { fill: 'url(#brass)' },
      ),
    );
    body.push(
      pathEl(
        `M${n(bx + 8 * k)} ${n(by - 2)}L${n(bx + 34 * k)} ${n(by - 9)}L${n(bx + 26 * k)} ${n(by + 1)}L${n(bx + 34 * k)} ${n(by + 4)}L${n(bx + 8 * k)} ${n(by + 5)}Z`,
        { fill: 'url(#brass)' },
      ),
    );
    body.push(ellipse(bx, by, 9 * k, 11, { fill: 'url(#brass)', stroke: '#5a3a10', 'stroke-width': 1 }));
  }
  const visor = [
    ['M', [-74, 264]],
    ['C', [-60, 294], [60, 294], [74, 264]],
    ['C', [40, 276], [-40, 276], [-74, 264]],
    ['Z'],
  ];
  body.push(
    pathEl(
      shape(visor, (p) => cap(p, 30 * (1 - Math.abs(p[0]) / 74))),
      { fill: '#05070b' },
    ),
  );
  body.push(
    pathEl(
      shape(
        [
          ['M', [-50, 280]],
          ['C', [-20, 288], [20, 288], [50, 280]],
        ],
        (p) => cap(p, 30 * (1 - Math.abs(p[0]) / 74)),
      ),
      { stroke: '#a8b8d8', 'stroke-width': 2, fill: 'none', opacity: 0.55 },
    ),
  );

  // Gloved hands; the left one carries the lantern.
  const [lhx, lhy] = torso([-158, 884]);
  const [rhx, rhy] = torso([158, 884]);
  body.push(ellipse(rhx, rhy, 22, 28, { fill: '#0a0a0d' }));
  const lx = lhx;
  body.push(
    pathEl(`M${n(lx - 20)} 912Q${n(lx)} ${n(lhy - 40)} ${n(lx + 20)} 912`, {
      stroke: '#1a1a1e',
      'stroke-width': 3,
      fill: 'none',
    }),
  );
  body.push(ellipse(lhx, lhy, 22, 26, { fill: '#0a0a0d' }));
  body.push(
    poly(
      [
        [lx - 18, 908],
        [lx + 18, 908],
        [lx + 28, 926],
        [lx - 28, 926],
      ],
      { fill: '#15140f' },
    ),
  );
  body.push(rect(lx - 22, 926, 44, 62, { fill: 'url(#glass)' }));
  body.push(circle(lx, 962, 9, { fill: '#fffbe8' }));
  for (const dx of [-22, -7, 7, 20]) body.push(rect(lx + dx, 926, 2.5, 62, { fill: '#15140f' }));
  body.push(rect(lx - 28, 986, 56, 10, { fill: '#15140f' }));
  body.push(group([glow(lx, 958, 330, 'gSodium', 0.8)], { style: 'mix-blend-mode:screen' }));

  portraitFinish(W, H, defs, body, {
    sil: `${sil}${faceD}${shape(crown, capO)}`,
    rim: '#9cc0ff',
    rimFrom: variant === 'front' ? 'right' : 'left',
    warm: { x: lx, y: 958, r: 420, opacity: 0.55 },
    rainOpts: [
      {
        rand: r,
        count: 40,
        angle: 0.12,
        len: [60, 120],
        width: 2.4,
        opacity: 0.12,
        color: '#dbe6ff',
        filter: 'b2',
      },
    ],
  });
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// Ilya Brandt, the passenger: fedora, belted trench coat with the collar up, cigarette, briefcase.
function ilya() {
  const W = 768;
  const H = 1024;
  const cx = 384;
  const r = rng(601);
  const T = turnMaps(cx, -0.22);
  const torso = T.surface(176, 112);
  const torsoO = T.outline(176, 112);
  const head = T.surface(56, 64);
  const headO = T.outline(56, 64);
  const hat = T.surface(140, 140);
  const hatO = T.outline(140, 140);
  const defs = [];
  const body = [];

  defs.push(
    linear(
      'bgI',
      [0, 0, 0, 1],
      [
        [0, '#03060c'],
        [0.5, '#0c1626'],
        [1, '#04070c'],
      ],
    ),
    linear(
      'trench',
      [0, 0, 1, 0.2],
      [
        [0, '#7e6c50'],
        [0.4, '#52432e'],
        [1, '#1e1710'],
      ],
    ),
    linear(
      'trenchLight',
      [0, 0, 1, 0],
      [
        [0, '#a89470'],
        [1, '#4a3c28'],
      ],
    ),
    linear(
      'felt',
      [0, 0, 1, 0.3],
      [
        [0, '#3c3830'],
        [0.5, '#22201c'],
        [1, '#0e0d0c'],
      ],
    ),
    linear(
      'skinI',
      [0, 0, 1, 0.2],
      [
        [0, '#b08468'],
        [0.6, '#6e4838'],
        [1, '#2e1c16'],
      ],
    ),
    linear(
      'brimShade',
      [0, 0, 0, 1],
      [
        [0, '#0a0604', 0.96],
        [0.5, '#0a0604', 0.85],
        [1, '#0a0604', 0],
      ],
    ),
    linear(
      'leather',
      [0, 0, 0, 1],
      [
        [0, '#4a2a18'],
        [1, '#1a0c06'],
      ],
    ),
  );

  // Background: a cold lamp behind his left shoulder, wet street, heavy rain.
  body.push(rect(0, 0, W, H, { fill: 'url(#bgI)' }));
  body.push(
    group([glow(250, 190, 420, 'gCold', 0.75), glow(640, 560, 160, 'gSodium', 0.3)], {
      style: 'mix-blend-mode:screen',
    }),
  );
  body.push(rect(0, 640, W, 16, { fill: '#ffbf70', opacity: 0.18, filter: 'url(#b8)' }));
  body.push(
    bokeh(r, { count: 14, x: [0, W], y: [300, 700], r: [10, 34], grad: 'gBokehC', opacity: [0.2, 0.6] }),
  );
  body.push(
    bokeh(r, { count: 6, x: [480, W], y: [420, 700], r: [14, 30], grad: 'gBokehW', opacity: [0.2, 0.5] }),
  );
  body.push(
    steam(r, {
      cx: 384,
      cy: 820,
      spread: [420, 80],
      count: 16,
      r: [40, 110],
      color: '#7a8aa8',
      opacity: [0.08, 0.2],
      filter: 'smokeBig',
    }),
  );
  body.push(
    rain(r, {
      w: W,
      h: H,
      count: 700,
      angle: 0.16,
      len: [12, 26],
      width: 1,
      opacity: 0.22,
      color: '#b4c8ec',
      filter: 'b1',
    }),
  );

  // Trench coat: broad shoulders, cinched belt, skirt flaring to the hem.
  const coat = [
    ['M', [-40, 452]],
    ['C', [-96, 454], [-150, 462], [-174, 504]],
    ['C', [-188, 548], [-188, 640], [-178, 690]],
    ['L', [-166, 714]],
    ['C', [-180, 800], [-200, 920], [-216, 1030]],
    ['L', [216, 1030]],
    ['C', [200, 920], [180, 800], [166, 714]],
    ['L', [178, 690]],
    ['C', [188, 640], [188, 548], [174, 504]],
    ['C', [150, 462], [96, 454], [40, 452]],
    ['Z'],
  ];
  const sil = shape(coat, torsoO);
  defs.push(`<clipPath id="silTrench">${pathEl(sil)}</clipPath>`);
  body.push(pathEl(sil, { fill: 'url(#trench)' }));
  // Sleeves and cuff straps.
  for (const side of [-1, 1]) {
    const arm = [
      ['M', [side * 174, 504]],
      ['C', [side * 190, 560], [side * 196, 720], [side * 196, 864]],
      ['L', [side * 140, 864]],
      ['C', [side * 136, 760], [side * 134, 620], [side * 140, 530]],
      ['Z'],
    ];
    body.push(pathEl(shape(arm, torsoO), { fill: side < 0 ? '#7a6a4e' : '#2e2418' }));
    body.push(
      pathEl(
        shape(
          [
            ['M', [side * 140, 530]],
            ['C', [side * 134, 620], [side * 136, 760], [side * 140, 864]],
          ],
          torso,
        ),
        { fill: 'none', stroke: '#17110a', 'stroke-width': 3 },
      ),
    );
    body.push(
      pathEl(
        shape(
          [
            ['M', [side * 140, 820]],
            ['L', [side * 196, 824]],
            ['L', [side * 196, 838]],
            ['L', [side * 140, 834]],
            ['Z'],
          ],
          torso,
        ),
        { fill: '#3a2e1e' },
      ),
    );
  }
  // Creases and rain-dark patches on the gabardine.
  const creases = [];
  for (const [u, w] of [
    [-120, 14],
    [-60, 10],
    [70, 12],
    [118, 16],
  ]) {
    creases.push(
      pathEl(
        shape(
          [
            ['M', [u, 730]],
            ['C', [u - 6, 840], [u - 10, 940], [u - 16, 1030]],
          ],
          torso,
        ),
        { stroke: '#120d06', 'stroke-width': w, opacity: 0.45, fill: 'none' },
      ),
    );
  }
  body.push(group(creases, { filter: 'url(#b8)', 'clip-path': 'url(#silTrench)' }));
  // Storm flap on the chest, lapels, buttons, belt with buckle and loose tail.
  body.push(
    pathEl(
      shape([['M', [-58, 470]], ['L', [-150, 478]], ['L', [-146, 566]], ['L', [-66, 556]], ['Z']], torso),
      { fill: 'url(#trenchLight)', stroke: '#2a2014', 'stroke-width': 1.5 },
    ),
  );
  body.push(
    pathEl(shape([['M', [-22, 452]], ['L', [22, 452]], ['L', [0, 530]], ['Z']], torso), { fill: '#b8b4a8' }),
  );
  body.push(
    pathEl(
      shape(
        [['M', [-7, 456]], ['L', [7, 456]], ['L', [9, 512]], ['L', [0, 528]], ['L', [-9, 512]], ['Z']],
        torso,
      ),
      { fill: '#1e2636' },
    ),
  );
  const lapel = [
    ['M', [-30, 452]],
    ['L', [-84, 478]],
    ['L', [-112, 560]],
    ['L', [-94, 574]],
    ['L', [-40, 672]],
    ['L', [6, 690]],
    ['L', [0, 528]],
    ['Z'],
  ];
  body.push(pathEl(shape(lapel, torso), { fill: '#7e6c4e', stroke: '#2a2014', 'stroke-width': 1.5 }));
  body.push(pathEl(shape(mirror(lapel), torso), { fill: '#3e3222', stroke: '#1a130a', 'stroke-width': 1.5 }));
  for (const [u, y] of [
    [-44, 600],
    [52, 600],
    [-44, 650],
    [52, 650],
    [-40, 780],
    [46, 780],
    [-40, 860],
    [46, 860],
  ]) {
    const [bx, by] = torso([u, y]);
    body.push(
      ellipse(bx, by, 8 * T.squash(176, u), 8, { fill: '#1a140c', stroke: '#6a5a40', 'stroke-width': 1 }),
    );
  }
  body.push(
    pathEl(
      shape([['M', [-180, 690]], ['L', [180, 690]], ['L', [168, 716]], ['L', [-168, 716]], ['Z']], torso),
      { fill: '#5a4a32' },
    ),
  );
  {
    const [bx, by] = torso([-28, 703]);
    body.push(rect(bx - 16, by - 15, 32, 30, { fill: 'none', stroke: '#b8a880', 'stroke-width': 3, rx: 3 }));
  }
  body.push(
    pathEl(
      shape(
        [
          ['M', [-12, 703]],
          ['C', [-20, 760], [-30, 800], [-22, 850]],
          ['L', [-6, 852]],
          ['C', [-14, 800], [-4, 760], [4, 712]],
          ['Z'],
        ],
        torso,
      ),
      { fill: '#5a4a32' },
    ),
  );
  body.push(
    pathEl(
      shape(
        [
          ['M', [6, 690]],
          ['L', [24, 1030]],
        ],
        torso,
      ),
      { stroke: '#17110a', 'stroke-width': 3 },
    ),
  );
  for (const side of [-1, 1]) {
    body.push(
      pathEl(
        shape(
          [
            ['M', [side * 60, 456]],
            ['L', [side * 150, 468]],
            ['L', [side * 156, 486]],
            ['L', [side * 64, 476]],
            ['Z'],
          ],
          torso,
        ),
        { fill: side < 0 ? '#8e7c5c' : '#3a2e1e', stroke: '#1a130a', 'stroke-width': 1 },
      ),
    );
  }
  // Left hand in the pocket (a slanted slit), right hand holds the briefcase.
  body.push(
    pathEl(
      shape(
        [
          ['M', [-150, 740]],
          ['L', [-112, 800]],
        ],
        torso,
      ),
      { stroke: '#120d06', 'stroke-width': 4 },
    ),
  );
  {
    const [hx, hy] = torso([170, 880]);
    body.push(rect(hx - 60, hy + 20, 190, 140, { fill: 'url(#leather)', rx: 8 }));
    body.push(rect(hx - 60, hy + 20, 190, 34, { fill: '#2a160a', rx: 8 }));
    body.push(rect(hx + 20, hy + 46, 22, 14, { fill: '#c8a860', rx: 2 }));
    body.push(
      pathEl(
        `M${n(hx + 4)} ${n(hy + 22)}C${n(hx + 6)} ${n(hy - 6)} ${n(hx + 56)} ${n(hy - 6)} ${n(hx + 58)} ${n(hy + 22)}`,
        { stroke: '#2a160a', 'stroke-width': 9, fill: 'none' },
      ),
    );
    body.push(ellipse(hx + 30, hy + 4, 26, 22, { fill: '#14100e' }));
    body.push(rect(hx - 60, hy + 20, 4, 140, { fill: '#9fb8e0', opacity: 0.3 }));
  }

  // Collar turned up against the rain, both points framing the jaw.
  const collar = [
    ['M', [-30, 454]],
    ['L', [-84, 460]],
    ['L', [-80, 392]],
    ['L', [-50, 404]],
    ['L', [-40, 430]],
    ['Z'],
  ];
  body.push(pathEl(shape(collar, torso), { fill: '#6e5e44', stroke: '#2a2014', 'stroke-width': 1.5 }));

  // Head in the shade of the brim; the cigarette lights the mouth and jaw.
  const face = [
    ['M', [-60, 296]],
    ['C', [-62, 350], [-54, 392], [-28, 410]],
    ['C', [-12, 418], [12, 418], [28, 410]],
    ['C', [54, 392], [62, 350], [60, 296]],
    ['C', [58, 262], [30, 250], [0, 250]],
    ['C', [-30, 250], [-58, 262], [-60, 296]],
    ['Z'],
  ];
  body.push(
    pathEl(shape([['M', [-30, 396]], ['L', [-32, 458]], ['L', [32, 458]], ['L', [30, 396]], ['Z']], head), {
      fill: '#24160f',
    }),
  );
  for (const side of [-1, 1]) {
    const [ex, ey] = head([side * 59, 330]);
    if (T.squash(60, side * 55) > 0.3) body.push(ellipse(ex, ey, 8, 17, { fill: '#3a241a' }));
  }
  body.push(pathEl(shape(face, headO), { fill: '#3a241a' }));
  const faceD = shape(face, head);
  defs.push(`<clipPath id="faceI">${pathEl(faceD)}</clipPath>`);
  body.push(pathEl(faceD, { fill: 'url(#skinI)' }));
  const feat = [];
  feat.push(ellipse(...head([0, 392]), 60, 36, { fill: '#2a3040', opacity: 0.35, filter: 'url(#b4)' }));
  feat.push(ellipse(...head([-50, 330]), 30, 90, { fill: '#1a0e0a', opacity: 0.5, filter: 'url(#b8)' }));
  for (const side of [-1, 1]) {
    const [ex, ey] = head([side * 22, 318]);
    feat.push(ellipse(ex, ey, 9 * T.squash(56, side * 22), 3, { fill: '#0a0604' }));
    feat.push(circle(ex + 2, ey - 0.5, 1, { fill: '#cfe0ff', opacity: 0.6 }));
  }
  feat.push(
    pathEl(
      shape(
        [
          ['M', [-16, 382]],
          ['Q', [0, 378], [16, 382]],
        ],
        head,
      ),
      { stroke: '#3a1a14', 'stroke-width': 3, fill: 'none' },
    ),
  );
  feat.push(rect(280, 240, 210, 128, { fill: 'url(#brimShade)' }));
  feat.push(
    pathEl(
      shape(
        [
          ['M', [2, 330]],
          ['Q', [10, 352], [8, 362]],
          ['Q', [0, 366], [-8, 362]],
        ],
        (q) => head(q, 12),
      ),
      { stroke: '#1a0e0a', 'stroke-width': 3, fill: 'none', opacity: 0.7 },
    ),
  );
  feat.push(ellipse(...head([24, 392]), 40, 28, { fill: '#ff9a50', opacity: 0.45, filter: 'url(#b8)' }));
  feat.push(
    pathEl(faceD, { fill: 'none', stroke: '#120a06', 'stroke-width': 12, opacity: 0.4, filter: 'url(#b4)' }),
  );
  body.push(group(feat, { 'clip-path': 'url(#faceI)' }));
  // Collar's other point, in front of the jaw.
  body.push(
    pathEl(shape(mirror(collar), torso), { fill: '#2e2418', stroke: '#1a130a', 'stroke-width': 1.5 }),
  );

  // Cigarette, ember, smoke curling up past the brim.
  const [c0x, c0y] = head([14, 382], 8);
  body.push(
    pathEl(`M${n(c0x)} ${n(c0y)}l34 9`, { stroke: '#e8e2d4', 'stroke-width': 4, 'stroke-linecap': 'round' }),
  );
  body.push(circle(c0x + 35, c0y + 9, 3.2, { fill: '#ffddaa' }));
  body.push(
    pathEl(
      `M${n(c0x + 36)} ${n(c0y + 4)}C${n(c0x + 20)} ${n(c0y - 40)} ${n(c0x + 70)} ${n(c0y - 80)} ${n(c0x + 40)} ${n(c0y - 130)}S${n(c0x + 90)} ${n(c0y - 200)} ${n(c0x + 60)} ${n(c0y - 260)}`,
      { stroke: '#d8dce6', 'stroke-width': 10, fill: 'none', opacity: 0.35, filter: 'url(#smokeFine)' },
    ),
  );

  // Fedora: crown with the front pinch and a ribbon band, wide brim snapped down at the front.
  const hatG = [];
  const crown = [
    ['M', [-78, 252]],
    ['C', [-82, 210], [-74, 180], [-56, 164]],
    ['C', [-36, 154], [-16, 170], [0, 176]],
    ['C', [16, 170], [36, 154], [56, 164]],
    ['C', [74, 180], [82, 210], [78, 252]],
    ['Z'],
  ];
  hatG.push(pathEl(shape(crown, hatO), { fill: 'url(#felt)' }));
  hatG.push(
    pathEl(
      shape(
        [
          ['M', [0, 178]],
          ['C', [-4, 196], [-2, 210], [0, 222]],
        ],
        hat,
      ),
      { stroke: '#0a0908', 'stroke-width': 2, fill: 'none', opacity: 0.5 },
    ),
  );
  hatG.push(
    pathEl(shape([['M', [-80, 226]], ['L', [80, 226]], ['L', [79, 252]], ['L', [-79, 252]], ['Z']], hatO), {
      fill: '#0c0b0a',
    }),
  );
  hatG.push(
    pathEl(shape([['M', [-66, 230]], ['L', [-50, 224]], ['L', [-48, 246]], ['L', [-64, 244]], ['Z']], hat), {
      fill: '#1e1c1a',
    }),
  );
  const brim = [
    ['M', [-142, 258]],
    ['C', [-100, 240], [100, 240], [142, 258]],
    ['C', [120, 276], [40, 296], [0, 298]],
    ['C', [-40, 296], [-120, 276], [-142, 258]],
    ['Z'],
  ];
  hatG.push(
    pathEl(
      shape(brim, (p) => hat(p, 20 * (1 - Math.abs(p[0]) / 142))),
      { fill: '#161412' },
    ),
  );
  hatG.push(
    pathEl(
      shape(
        [
          ['M', [-142, 258]],
          ['C', [-100, 240], [100, 240], [142, 258]],
        ],
        (p) => hat(p, 20 * (1 - Math.abs(p[0]) / 142)),
      ),
      { stroke: '#b8d0ff', 'stroke-width': 2.5, fill: 'none', opacity: 0.6 },
    ),
  );
  hatG.push(
    pathEl(
      shape(
        [
          ['M', [-60, 168]],
          ['C', [-70, 190], [-78, 220], [-78, 250]],
        ],
        hatO,
      ),
      { stroke: '#b8d0ff', 'stroke-width': 2.5, fill: 'none', opacity: 0.5 },
    ),
  );
  body.push(group(hatG, { transform: 'rotate(-5 384 250)' }));

  portraitFinish(W, H, defs, body, {
    sil: `${sil}${shape(crown, hatO)}`,
    rim: '#bcd4ff',
    rimFrom: 'left',
    warm: { x: c0x + 35, y: c0y + 9, r: 120, opacity: 0.5 },
    rainOpts: [
      {
        rand: r,
        count: 60,
        angle: 0.16,
        len: [60, 130],
        width: 2.6,
        opacity: 0.16,
        color: '#dbe6ff',
        filter: 'b2',
      },
      { rand: r, count: 240, angle: 0.16, len: [16, 30], width: 1.2, opacity: 0.35, color: '#dfe9ff' },
    ],
  });
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// Odile, the singer in the café car: finger-waved bob, white gardenia, crimson satin gown, opera
// gloves, pearls, a ribbon microphone.
function odile() {
  const W = 768;
  const H = 1024;
  const cx = 384;
  const r = rng(701);
  const T = turnMaps(cx, 0.16);
  const torso = T.surface(140, 90);
  const torsoO = T.outline(140, 90);
  const head = T.surface(52, 60);
  const headO = T.outline(52, 60);
  const defs = [];
  const body = [];

  defs.push(
    linear(
      'bgO',
      [0, 0, 0, 1],
      [
        [0, '#0c0604'],
        [0.55, '#2a140a'],
        [1, '#0a0503'],
      ],
    ),
    linear(
      'spot',
      [0, 0, 0, 1],
      [
        [0, '#ffd9a0', 0.4],
        [1, '#ffd9a0', 0],
      ],
    ),
    linear(
      'satin',
      [0, 0, 1, 0],
      [
        [0, '#4a0610'],
        [0.3, '#a8182a'],
        [0.45, '#d8404a'],
        [0.6, '#8a1020'],
        [1, '#2a0308'],
      ],
    ),
    linear(
      'skinO',
      [0, 0, 1, 0.4],
      [
        [0, '#f2c8a8'],
        [0.55, '#d09878'],
        [1, '#7a4a38'],
      ],
    ),
    linear(
      'hairO',
      [0, 0, 1, 1],
      [
        [0, '#2a2a34'],
        [1, '#050508'],
      ],
    ),
    linear(
      'chrome',
      [0, 0, 1, 0],
      [
        [0, '#5a5a62'],
        [0.3, '#f4f0e8'],
        [0.55, '#9a9aa4'],
        [1, '#2a2a30'],
      ],
    ),
    linear(
      'curtain',
      [0, 0, 1, 0],
      [
        [0, '#1a0205'],
        [0.25, '#5a0a14'],
        [0.5, '#1e0306'],
        [0.75, '#4a0810'],
        [1, '#160204'],
      ],
    ),
  );

  // Background: the café car, out of focus — table lamps, brass, a velvet curtain, a spotlight.
  body.push(rect(0, 0, W, H, { fill: 'url(#bgO)' }));
  body.push(rect(0, 0, 150, H, { fill: 'url(#curtain)' }));
  body.push(rect(650, 0, 118, H, { fill: 'url(#curtain)', opacity: 0.7 }));
  body.push(
    bokeh(r, { count: 22, x: [0, W], y: [380, 860], r: [16, 50], grad: 'gBokehW', opacity: [0.3, 0.9] }),
  );
  body.push(rect(0, 640, W, 8, { fill: '#c9954a', opacity: 0.25, filter: 'url(#b4)' }));
  body.push(
    poly(
      [
        [300, -20],
        [470, -20],
        [640, H],
        [130, H],
      ],
      { fill: 'url(#spot)', filter: 'url(#b30)', style: 'mix-blend-mode:screen' },
    ),
  );
  body.push(
    steam(r, {
      cx: 384,
      cy: 160,
      spread: [380, 100],
      count: 18,
      r: [40, 110],
      color: '#d8a878',
      opacity: [0.06, 0.16],
      filter: 'smokeBig',
    }),
  );

  // Microphone stand behind her right hand (drawn first, her glove wraps it).
  const [mx] = torso([150, 600]);
  body.push(rect(mx - 4, 430, 8, 620, { fill: 'url(#chrome)' }));

  // Gown: off-the-shoulder neckline, fitted to the waist, flowing to the hem.
  const gown = [
    ['M', [-118, 520]],
    ['C', [-60, 512], [-20, 540], [0, 534]],
    ['C', [20, 540], [60, 512], [118, 520]],
    ['C', [118, 600], [90, 660], [84, 704]],
    ['C', [112, 770], [134, 880], [172, 1030]],
    ['L', [-172, 1030]],
    ['C', [-134, 880], [-112, 770], [-84, 704]],
    ['C', [-90, 660], [-118, 600], [-118, 520]],
    ['Z'],
  ];
  // Bare shoulders and upper chest under the neckline.
  const shoulders = [
    ['M', [-24, 420]],
    ['C', [-40, 450], [-110, 456], [-134, 486]],
    ['C', [-146, 506], [-130, 530], [-118, 540]],
    ['L', [118, 540]],
    ['C', [130, 530], [146, 506], [134, 486]],
    ['C', [110, 456], [40, 450], [24, 420]],
    ['Z'],
  ];
  const shoulderD = shape(shoulders, torsoO);
  // Arms, behind the gown's edge: her left rests on her hip, her right is bent up to the stand.
  // Opera gloves from above the elbow.
  const limb = (pts, width, fill) =>
    pathEl(shape(pts, torsoO), {
      stroke: fill,
      'stroke-width': width,
      fill: 'none',
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    });
  body.push(
    limb(
      [
        ['M', [-128, 500]],
        ['L', [-150, 590]],
      ],
      40,
      '#e0aa88',
    ),
  );
  body.push(
    limb(
      [
        ['M', [-150, 590]],
        ['L', [-164, 650]],
        ['L', [-104, 742]],
      ],
      30,
      '#0a0708',
    ),
  );
  body.push(
    limb(
      [
        ['M', [-156, 610]],
        ['L', [-164, 652]],
        ['L', [-120, 720]],
      ],
      3,
      '#5a5a6a',
    ),
  );
  body.push(
    limb(
      [
        ['M', [128, 500]],
        ['L', [150, 590]],
      ],
      40,
      '#b88068',
    ),
  );
  body.push(
    limb(
      [
        ['M', [150, 590]],
        ['L', [166, 650]],
        ['L', [150, 600]],
      ],
      30,
      '#0a0708',
    ),
  );
  body.push(pathEl(shoulderD, { fill: 'url(#skinO)' }));
  body.push(
    pathEl(
      shape(
        [
          ['M', [-60, 488]],
          ['Q', [-30, 480], [-8, 492]],
          ['M', [8, 492]],
          ['Q', [30, 480], [60, 488]],
        ],
        torso,
      ),
      { stroke: '#8a5040', 'stroke-width': 2, fill: 'none', opacity: 0.45 },
    ),
  );
  const gownD = shape(gown, torsoO);
  defs.push(`<clipPath id="silGown">${pathEl(gownD)}</clipPath>`);
  body.push(pathEl(gownD, { fill: 'url(#satin)' }));
  // Satin: long soft highlights and folds.
  const sheen = [];
  for (const [u, col, w, o] of [
    [-60, '#ff8a8a', 10, 0.35],
    [-20, '#ffb0a0', 6, 0.3],
    [40, '#3a0208', 16, 0.5],
    [80, '#ff7070', 8, 0.25],
    [-100, '#2a0206', 14, 0.5],
  ]) {
    sheen.push(
      pathEl(
        shape(
          [
            ['M', [u * 0.7, 560]],
            ['C', [u * 0.6, 680], [u * 0.9, 820], [u * 1.3, 1030]],
          ],
          torso,
        ),
        { stroke: col, 'stroke-width': w, opacity: o, fill: 'none' },
      ),
    );
  }
  body.push(group(sheen, { filter: 'url(#b8)', 'clip-path': 'url(#silGown)' }));
  // Draped sleeves off the shoulders, around the upper arms.
  for (const side of [-1, 1]) {
    body.push(
      pathEl(
        shape(
          [
            ['M', [side * 112, 520]],
            ['C', [side * 134, 512], [side * 158, 524], [side * 164, 552]],
            ['C', [side * 146, 566], [side * 124, 560], [side * 108, 552]],
            ['Z'],
          ],
          torsoO,
        ),
        { fill: side < 0 ? '#9a1424' : '#6a0a16' },
      ),
    );
  }
  // Gloved hands: one on the hip, one around the stand.
  body.push(ellipse(...torsoO([-100, 748]), 18, 15, { fill: '#0a0708' }));
  body.push(ellipse(mx, 598, 15, 21, { fill: '#0a0708' }));
  body.push(rect(mx - 13, 590, 26, 3, { fill: '#5a5a6a', opacity: 0.6 }));

  // Neck, pearls.
  body.push(
    pathEl(shape([['M', [-20, 370]], ['L', [-24, 440]], ['L', [24, 440]], ['L', [20, 370]], ['Z']], head), {
      fill: '#c08a6c',
    }),
  );
  body.push(ellipse(...head([4, 400]), 26, 14, { fill: '#6a3a2a', opacity: 0.5, filter: 'url(#b4)' }));
  const pearls = [];
  for (let i = 0; i <= 22; i++) {
    const t = i / 22;
    const u = -38 + 76 * t;
    const y = 436 + 34 * Math.sin(Math.PI * t);
    const [px, py] = torso([u, y]);
    pearls.push(circle(px, py, 4, { fill: '#f4efe4', stroke: '#8a8070', 'stroke-width': 0.6 }));
  }
  body.push(...pearls);

  // Hair: the bob behind the face, then the face, then the forehead wave on top.
  const bob = [
    ['M', [-70, 330]],
    ['C', [-76, 250], [-40, 212], [0, 212]],
    ['C', [40, 212], [76, 250], [70, 330]],
    ['C', [70, 370], [62, 398], [48, 404]],
    ['C', [40, 384], [-40, 384], [-48, 404]],
    ['C', [-62, 398], [-70, 370], [-70, 330]],
    ['Z'],
  ];
  body.push(pathEl(shape(bob, headO), { fill: 'url(#hairO)' }));
  const face = [
    ['M', [-48, 300]],
    ['C', [-50, 350], [-34, 386], [0, 398]],
    ['C', [34, 386], [50, 350], [48, 300]],
    ['C', [46, 262], [26, 248], [0, 248]],
    ['C', [-26, 248], [-46, 262], [-48, 300]],
    ['Z'],
  ];
  const faceD = shape(face, head);
  defs.push(`<clipPath id="faceO">${pathEl(faceD)}</clipPath>`);
  body.push(pathEl(faceD, { fill: 'url(#skinO)' }));
  const feat = [];
  feat.push(ellipse(...head([42, 330]), 26, 80, { fill: '#6a3024', opacity: 0.4, filter: 'url(#b8)' }));
  for (const side of [-1, 1]) {
    const k = T.squash(52, side * 20);
    const [ex, ey] = head([side * 20, 314]);
    feat.push(ellipse(ex, ey - 2, 15 * k, 7, { fill: '#5a2a34', opacity: 0.5, filter: 'url(#b2)' }));
    feat.push(
      pathEl(`M${n(ex - 10 * k)} ${n(ey - 1)}Q${n(ex)} ${n(ey + 5)} ${n(ex + 10 * k)} ${n(ey - 1)}`, {
        stroke: '#1a0a0a',
        'stroke-width': 2.4,
        fill: 'none',
        'stroke-linecap': 'round',
      }),
    );
    feat.push(
      pathEl(
        shape(
          [
            ['M', [side * 8, 296]],
            ['Q', [side * 20, 286], [side * 34, 294]],
          ],
          head,
        ),
        { stroke: '#1a0a0a', 'stroke-width': 2, fill: 'none', 'stroke-linecap': 'round' },
      ),
    );
  }
  feat.push(
    pathEl(
      shape(
        [
          ['M', [2, 320]],
          ['Q', [8, 342], [6, 350]],
          ['Q', [0, 354], [-6, 350]],
        ],
        (q) => head(q, 10),
      ),
      { stroke: '#8a5040', 'stroke-width': 2, fill: 'none', opacity: 0.7 },
    ),
  );
  feat.push(
    pathEl(
      shape(
        [
          ['M', [-16, 368]],
          ['Q', [-6, 360], [0, 364]],
          ['Q', [6, 360], [16, 368]],
          ['Q', [0, 384], [-16, 368]],
          ['Z'],
        ],
        head,
      ),
      { fill: '#b0182a' },
    ),
  );
  feat.push(ellipse(...head([0, 370]), 7, 3.5, { fill: '#3a0808' }));
  feat.push(circle(...head([-26, 352]), 1.6, { fill: '#2a1010' }));
  body.push(group(feat, { 'clip-path': 'url(#faceO)' }));
  // Forehead wave with its sheen, and a pearl drop at the ear.
  const wave = [
    ['M', [-54, 306]],
    ['C', [-52, 250], [10, 232], [56, 262]],
    ['C', [30, 258], [4, 266], [-14, 290]],
    ['C', [-24, 282], [-40, 288], [-54, 306]],
    ['Z'],
  ];
  body.push(pathEl(shape(wave, head), { fill: 'url(#hairO)' }));
  const sheenHair = [];
  for (const dy of [0, 22, 44]) {
    sheenHair.push(
      pathEl(
        shape(
          [
            ['M', [-40, 236 + dy]],
            ['C', [-20, 226 + dy], [0, 244 + dy], [30, 232 + dy]],
          ],
          headO,
        ),
        {},
      ),
    );
  }
  for (const dy of [0, 26])
    sheenHair.push(
      pathEl(
        shape(
          [
            ['M', [-66, 320 + dy]],
            ['C', [-58, 330 + dy], [-68, 346 + dy], [-60, 356 + dy]],
          ],
          headO,
        ),
        {},
      ),
    );
  body.push(
    group(sheenHair, {
      stroke: '#8a9ac0',
      'stroke-width': 2.5,
      fill: 'none',
      opacity: 0.45,
      filter: 'url(#b1)',
    }),
  );
  {
    const [ex, ey] = head([48, 350]);
    body.push(circle(ex, ey + 14, 5, { fill: '#f4efe4' }));
  }
  // The gardenia over her left ear.
  {
    const [fx, fy] = headO([-62, 292]);
    const petals = [];
    for (let i = 0; i < 7; i++) {
      const a = (i / 7) * 360;
      petals.push(ellipse(fx, fy - 14, 11, 18, { transform: `rotate(${n(a)} ${n(fx)} ${n(fy)})` }));
    }
    body.push(group(petals, { fill: '#f2ead6', stroke: '#c8bca0', 'stroke-width': 1 }));
    body.push(circle(fx, fy, 8, { fill: '#e8d8a8' }));
    body.push(circle(fx, fy, 26, { fill: '#fff', opacity: 0.12, filter: 'url(#b8)' }));
  }

  // Ribbon microphone on its yoke, angled towards her.
  {
    const mxx = mx - 8;
    const my = 410;
    body.push(
      pathEl(
        `M${n(mxx - 34)} ${n(my)}Q${n(mxx - 34)} ${n(my + 40)} ${n(mx)} ${n(my + 36)}Q${n(mxx + 34)} ${n(my + 40)} ${n(mxx + 34)} ${n(my)}`,
        { stroke: '#2a2a30', 'stroke-width': 4, fill: 'none' },
      ),
    );
    body.push(rect(mxx - 26, my - 56, 52, 84, { fill: 'url(#chrome)', rx: 22 }));
    const grille = [];
    for (let y = my - 44; y < my + 18; y += 6) grille.push(`M${n(mxx - 22)} ${y}H${n(mxx + 22)}`);
    body.push(pathEl(grille.join(''), { stroke: '#2a2a30', 'stroke-width': 1.5, opacity: 0.6 }));
    body.push(rect(mxx - 26, my - 8, 52, 8, { fill: '#1a1a20' }));
    body.push(ellipse(mxx - 10, my - 40, 5, 14, { fill: '#ffffff', opacity: 0.6, filter: 'url(#b2)' }));
  }

  portraitFinish(W, H, defs, body, {
    sil: `${gownD}${shoulderD}${shape(bob, headO)}`,
    rim: '#ffd08a',
    rimFrom: 'right',
    warm: { x: 384, y: 120, r: 520, grad: 'gWarm', opacity: 0.35 },
    rainOpts: null,
    vig: 0.9,
  });
  return { w: W, h: H, svg: svgDoc(W, H, defs, body) };
}

// ---------------------------------------------------------------------------------------------------

const jobs = [
  ['decor/platform.jpg', platformWide, 11],
  ['decor/platform-engine.jpg', platformEngine, 12],
  ['decor/café car.jpg', cafeCar, 13],
  ['decor/bridge.jpg', bridge, 14],
  // Palette PNGs: the quantiser's dither is their grain, so they get only a touch of noise.
  ['cast/mara.png', () => ({ ...mara(0, 'front'), format: 'png', grain: 2 }), 21],
  ['cast/mara-three-quarter.png', () => ({ ...mara(0.5, 'three-quarter'), format: 'png', grain: 2 }), 22],
  ['cast/ilya.jpg', ilya, 23],
  ['cast/odile.jpg', odile, 24],
];

const only = process.argv.slice(2);
const results = [];
for (const [file, draw, seed] of jobs) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  const { w, h, svg, format, grain } = draw();
  results.push(await render(file, { w, h, svg, seed, format, grain }));
}
for (const { file, bytes } of results) console.log(`${(bytes / 1024).toFixed(0).padStart(5)} KB  ${file}`);
