// Pixels are bounded before anything is decoded: a tiny PNG that declares a huge canvas is refused as
// "too large (W × H)" — as an output, as a reference before upload, and as a draft input — instead of
// being decoded into hundreds of megabytes (or reported as "corrupt").
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { verifyAndThumbnail } from '../../src/core/media/image';
import { prescale } from '../../src/core/media/prescale';
import { frameSize } from '../../src/core/project/spec';
import { DraftProvider } from '../../src/core/providers/draft';
import { ModelRegistry } from '../../src/core/providers/registry';
import type { GenerationRequest } from '../../src/core/providers/types';
import { pngBomb } from '../helpers/bomb';
import { tempDir } from '../helpers/tempProject';

const dir = tempDir();
after(() => fs.rm(dir, { recursive: true, force: true }));
const THUMBS = { size: 400, quality: 80 };
const PRESCALE = { maxPixels: 2_000_000, maxSide: 2048 };

describe('pixel limit on decoding', () => {
  // 81 MP: below sharp's own default limit (268 MP), so only a limit of Dailies' stops it.
  const bomb = pngBomb(9000, 9000);
  // 10,000 MP declared, a few rows of data.
  const huge = pngBomb(100_000, 100_000, 16);

  it('the bombs are small files that declare huge canvases', async () => {
    assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes`);
    assert.deepEqual((({ width, height }) => ({ width, height }))(await sharp(bomb).metadata()), {
      width: 9000,
      height: 9000,
    });
  });

  it('an output is refused as too large, with its size', async () => {
    await assert.rejects(verifyAndThumbnail(bomb, THUMBS), /too large \(9000 × 9000\)/);
    await assert.rejects(verifyAndThumbnail(huge, THUMBS), /too large \(100000 × 100000\)/);
  });

  it('a reference is refused before prescaling', async () => {
    await assert.rejects(prescale(bomb, PRESCALE), (err: Error & { code?: string }) => {
      assert.match(err.message, /too large \(9000 × 9000\)/);
      assert.equal(err.code, 'ref-too-large');
      return true;
    });
  });

  it('a draft input is refused (the draft decodes refs too)', async () => {
    const file = path.join(dir, 'bomb.png');
    await fs.writeFile(file, bomb);
    const { width, height } = frameSize('16:9');
    const req: GenerationRequest = {
      shotId: 's1',
      variation: 1,
      variations: 1,
      model: new ModelRegistry().get('draft/storyboard')!,
      prompt: 'x',
      seed: 1,
      steps: 1,
      width,
      height,
      aspectRatio: '16:9',
      params: {},
      refs: [
        {
          role: 'decor',
          owner: 's',
          label: 'd',
          abs: file,
          rel: 'bomb.png',
          sha256: 'c'.repeat(64),
          size: 1,
        },
      ],
      labels: { cast: [] },
      refUrls: new Map(),
    };
    const ctx = {
      signal: new AbortController().signal,
      onProgress: () => undefined,
      onSubmitted: () => undefined,
      log: () => undefined,
    };
    await assert.rejects(new DraftProvider({ latencyMs: 0 }).generate(req, ctx), /too large \(9000 × 9000\)/);
  });

  it('an ordinary large photo still passes', async () => {
    const photo = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#446688' } })
      .jpeg()
      .toBuffer();
    const out = await verifyAndThumbnail(photo, THUMBS);
    assert.deepEqual([out.width, out.height], [6000, 4000]);
    const scaled = await prescale(photo, PRESCALE);
    assert.ok(scaled.scaled && scaled.width * scaled.height <= PRESCALE.maxPixels);
  });
});
