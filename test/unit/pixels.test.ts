// The draft frame's raw pixel operations: exact where they claim to be, clipped to the frame, and the
// shapes they draw are where they should be.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyGain,
  blendOver,
  colorMatrix,
  fillRect,
  type Pixels,
  roundedCard,
  vignetteGain,
} from '../../src/core/media/pixels';

function rgb(width: number, height: number, value: number): Pixels {
  return { data: new Uint8Array(width * height * 3).fill(value), width, height, channels: 3 };
}

const at = (p: Pixels, x: number, y: number) =>
  Array.from(p.data.subarray((y * p.width + x) * p.channels, (y * p.width + x + 1) * p.channels));

describe('raw pixel operations', () => {
  it('blends straight-alpha RGBA over RGB, clipped at every edge', () => {
    const dst = rgb(4, 4, 100);
    const src: Pixels = { data: new Uint8Array(3 * 3 * 4), width: 3, height: 3, channels: 4 };
    for (let i = 0; i < 9; i++) src.data.set([200, 0, 50, i === 4 ? 255 : 128], i * 4);
    blendOver(dst, src, 2, 2); // only its top-left 2×2 lands
    assert.deepEqual(at(dst, 0, 0), [100, 100, 100]);
    assert.deepEqual(at(dst, 3, 3), [200, 0, 50], 'opaque centre pixel replaces');
    assert.deepEqual(at(dst, 2, 2), [150, 50, 75], 'half alpha mixes half and half');
    blendOver(dst, src, -10, -10); // entirely outside: nothing, no throw
    assert.deepEqual(at(dst, 0, 0), [100, 100, 100]);
  });

  it('fills translucent rectangles within the frame only', () => {
    const dst = rgb(4, 2, 200);
    fillRect(dst, 1, 0, 10, 1, [0, 0, 0], 0.75);
    assert.deepEqual(at(dst, 0, 0), [200, 200, 200]);
    assert.deepEqual(at(dst, 3, 0), [50, 50, 50]);
    assert.deepEqual(at(dst, 3, 1), [200, 200, 200]);
  });

  it('applies a gain exactly as value × gain / 255, rounded', () => {
    const dst: Pixels = { data: new Uint8Array(256 * 3), width: 256, height: 1, channels: 3 };
    for (let v = 0; v < 256; v++) dst.data.fill(v, v * 3, v * 3 + 3);
    const gain = new Uint8Array(256).fill(77);
    applyGain(dst, gain);
    for (let v = 0; v < 256; v++) assert.equal(dst.data[v * 3], Math.round((v * 77) / 255), `value ${v}`);
  });

  it('a colour matrix clamps instead of wrapping', () => {
    const dst = rgb(1, 1, 200);
    colorMatrix(
      dst,
      [
        [2, 0, 0],
        [0, 1, 0],
        [0, 0, -1],
      ],
      [0, 10, 0],
    );
    assert.deepEqual(at(dst, 0, 0), [255, 210, 0]);
  });

  it('a vignette leaves the centre alone and darkens toward the corners like SVG r="75%"', () => {
    const g = vignetteGain(200, 100);
    assert.equal(g[50 * 200 + 100], 255);
    // A corner is 0.943 of the gradient's radius out: (0.943 − 0.55) / 0.45 of the way to 60 % black.
    const corner = 255 * (1 - 0.6 * ((Math.SQRT1_2 / 0.75 - 0.55) / 0.45));
    assert.ok(Math.abs(g[0]! - corner) < 3, `corner ${g[0]} vs ${corner}`);
    assert.ok(
      g[50 * 200 + 2]! < 255 && g[50 * 200 + 2]! > g[0]!,
      'the edge is darker than the centre, lighter than the corner',
    );
  });

  it('a figure card is transparent in its rounded corners, opaque inside, with a light border', () => {
    const card = roundedCard(rgb(60, 80, 10), 12);
    assert.equal(at(card, 0, 0)[3], 0, 'corner cut');
    assert.deepEqual(at(card, 30, 40), [10, 10, 10, 255], 'inside untouched');
    const border = at(card, 30, 2);
    assert.ok(border[0]! > 150 && border[3] === 255, `border ${border}`);
  });
});
