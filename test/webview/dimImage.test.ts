// The dimmed icon a stale shot's tree row shows (issue 11 item 18), made with real sharp from a real
// thumbnail: small, the same picture, and 45 % opaque.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { DIMMED_OPACITY, DIMMED_SIZE, writeDimmed } from '../../src/extension/views/dimImage';

const dir = mkdtempSync(path.join(tmpdir(), 'dailies-dim-'));

describe('dimmed thumbnail', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is a small, 45 % opaque copy of the thumbnail', async () => {
    const thumb = path.join(dir, 'S01_v1.thumb.webp');
    await sharp({ create: { width: 400, height: 167, channels: 3, background: { r: 200, g: 40, b: 40 } } })
      .webp()
      .toFile(thumb);
    const target = path.join(dir, 'icons', 'a.webp');
    await writeDimmed(thumb, target);
    const { data, info } = await sharp(target).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 4);
    assert.ok(info.width <= DIMMED_SIZE && info.height <= DIMMED_SIZE, `${info.width}×${info.height}`);
    assert.equal(info.width, DIMMED_SIZE, 'the long side fills the box');
    const alpha = data[3]!;
    assert.ok(Math.abs(alpha / 255 - DIMMED_OPACITY) < 0.02, `alpha ${alpha}`);
    assert.ok(data[0]! > 150 && data[1]! < 90, `colour ${data[0]},${data[1]},${data[2]}`);
    assert.deepEqual(readdirSync(path.join(dir, 'icons')), ['a.webp'], 'a temp file was left behind');
  });

  it('fails on a missing thumbnail without writing anything', async () => {
    await assert.rejects(writeDimmed(path.join(dir, 'missing.webp'), path.join(dir, 'none', 'b.webp')));
    assert.equal(readdirSync(dir).includes('none'), false);
  });
});
