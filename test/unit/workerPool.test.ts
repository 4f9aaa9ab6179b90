// CPU-heavy media work runs on worker threads, gives the same bytes as in process, keeps its errors'
// codes across the thread boundary, falls back to in-process work when no worker can start, and never
// keeps a finished process alive.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { type DraftFrameSpec, drawFrame } from '../../src/core/media/draftFrame';
import { defaultPoolSize, MediaPool } from '../../src/core/media/workerPool';
import { DailiesError } from '../../src/core/util/errors';
import { makeImage, tempDir } from '../helpers/tempProject';

const dir = tempDir();
const pools: MediaPool[] = [];
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await fs.rm(dir, { recursive: true, force: true });
});

function pool(...args: ConstructorParameters<typeof MediaPool>): MediaPool {
  const p = new MediaPool(...args);
  pools.push(p);
  return p;
}

async function spec(i: number): Promise<DraftFrameSpec> {
  const decor = path.join(dir, 'decor.jpg');
  const cast = path.join(dir, 'ann.png');
  await makeImage(decor, { width: 640, height: 360, color: '#335577' });
  await makeImage(cast, { width: 200, height: 300, color: '#aa3322' });
  return {
    shotId: `s${i}`,
    variation: 1,
    variations: 1,
    prompt: 'a platform at night, 35mm',
    seed: 100 + i,
    steps: 4,
    width: 512,
    height: 288,
    aspectRatio: '16:9',
    labels: { scene: 'Platform', cast: ['Ann'] },
    refs: [
      { role: 'decor', owner: 'sc', label: 'Platform', abs: decor, rel: 'decor.jpg' },
      { role: 'cast', owner: 'ann', label: 'Ann', abs: cast, rel: 'ann.png' },
    ],
  };
}

describe('media worker pool', () => {
  it('draws frames on worker threads, byte for byte what the calling thread would draw', async () => {
    const p = pool(2);
    const specs = await Promise.all([0, 1, 2, 3].map(spec));
    const fromWorkers = await Promise.all(specs.map((s) => p.draftFrame(s)));
    assert.ok(p.threads >= 1, 'worker threads ran the frames');
    assert.equal(p.where, 'a media worker thread');
    for (let i = 0; i < specs.length; i++) {
      assert.deepEqual(fromWorkers[i], await drawFrame(specs[i]!), `frame ${i}`);
    }
  });

  it('checks images and makes thumbnails on a worker, with the same errors as before', async () => {
    const p = pool(1);
    const png = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const v = await p.thumbnail(png, { size: 400, quality: 80 });
    assert.deepEqual([v.format, v.ext, v.width, v.height], ['png', 'png', 900, 300]);
    assert.ok(Buffer.isBuffer(v.thumbnail));
    assert.deepEqual(
      [(await sharp(v.thumbnail).metadata()).width, (await sharp(v.thumbnail).metadata()).format],
      [400, 'webp'],
    );
    await assert.rejects(
      p.thumbnail(Buffer.from('<html>not an image</html>'), { size: 400, quality: 80 }),
      (e: unknown) => e instanceof DailiesError && e.code === 'bad-output',
    );
    const broken = path.join(dir, 'broken.png');
    await fs.writeFile(broken, 'garbage');
    const bad = await spec(9);
    bad.refs[0] = {
      role: 'decor',
      owner: 'sc',
      label: 'x',
      abs: broken,
      rel: 'broken.png',
      source: 'scenes[0].decor[0]',
    };
    await assert.rejects(
      p.draftFrame(bad),
      (e: unknown) =>
        e instanceof DailiesError && e.code === 'ref-not-image' && /scenes\[0\]\.decor\[0\]/.test(e.message),
    );
  });

  it('does the work in process when no worker can start', async () => {
    const p = pool(2, { file: path.join(dir, 'no-such-worker.js') });
    const s = await spec(5);
    assert.deepEqual(await p.draftFrame(s), await drawFrame(s));
    assert.equal(p.threads, 0);
    assert.match(p.where, /^process \(media workers unavailable/);
    assert.equal(defaultPoolSize({ DAILIES_MEDIA_WORKERS: '0' }), 0);
    assert.match(pool(0).where, /^process/);
  });

  it('an idle pool does not keep a finished process alive', async () => {
    const script = `
      const { MediaPool } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'core', 'media', 'workerPool.ts'))});
      const sharp = require('sharp');
      sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toBuffer()
        .then((b) => new MediaPool(2).thumbnail(b, { size: 32, quality: 50 }))
        .then((v) => console.log('thumb', v.width));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the process did not exit on its own'));
      }, 60_000);
      child.on('exit', (c) => {
        clearTimeout(deadline);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    assert.match(out, /thumb 64/);
  });
});
