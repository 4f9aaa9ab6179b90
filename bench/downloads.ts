// Downloads: N shots whose outputs are large images, all finishing together at the Replicate fake.
// Baseline, same run: every output fetched into memory at once (what Dailies did before outputs streamed
// to disk). Measured: the engine (outputs stream to .dailies/tmp, downloads.concurrency at a time).
// Figure: how far the process's resident memory rose above where it started, sampled every 10 ms.
import sharp from 'sharp';
import { startReplicateFake } from '../test/fakes/replicateFake';
import { cloudEngine, REPLICATE_TOKEN } from '../test/helpers/cloud';
import { createProject } from '../test/helpers/tempProject';
import { type BenchRow, ratio, timed } from './lib/report';

const SHOTS = 24;
const WIDTH = 4000;
const HEIGHT = 3000;

async function noiseJpeg(): Promise<Buffer> {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** Peak rise of RSS over its value at the start, while `fn` runs. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number }> {
  globalThis.gc?.();
  const start = process.memoryUsage.rss();
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss() - start);
  }, 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss() - start);
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

export async function runDownloadsBench(): Promise<BenchRow[]> {
  const image = await noiseJpeg();
  const replicate = await startReplicateFake({
    apiKey: REPLICATE_TOKEN,
    stepMs: 5,
    steps: 2,
    queueMs: 5,
    maxPreferWaitMs: 10,
  });
  replicate.inject('delivery', {
    kind: 'status',
    status: 200,
    body: image,
    headers: { 'content-type': 'image/jpeg' },
  });
  const project = await createProject({
    dailies: 1,
    shots: Array.from({ length: SHOTS }, (_, i) => ({
      id: `d${i}`,
      prompt: `download ${i}`,
      seed: i,
      model: 'black-forest-labs/flux-schnell',
    })),
  });
  try {
    // Baseline: the same outputs, each buffered whole, all at once.
    const fetchWhole = async (i: number) => {
      const res = await fetch(`${replicate.origin}/x/out-${i}.png`, {
        headers: { 'x-dailies-target-url': `https://replicate.delivery/x/out-${i}.png` },
      });
      return Buffer.from(await res.arrayBuffer());
    };
    const naive = await peakRss(() =>
      timed(() => Promise.all(Array.from({ length: SHOTS }, (_, i) => fetchWhole(i)))),
    );
    const rig = cloudEngine(project.file, { replicate }, { downloads: { concurrency: 4 } });
    const engine = await peakRss(() => timed(() => rig.engine.render()));
    await rig.dispose();
    const rendered = engine.result.result.shots.rendered;
    return [
      {
        bench: 'downloads',
        metric: `${SHOTS} outputs of ${(image.length / 2 ** 20).toFixed(1)} MiB: peak RSS rise`,
        value: engine.peak,
        unit: 'B',
        baseline: { label: 'all buffered at once', value: naive.peak },
        ratio: ratio(engine.peak, naive.peak),
        note: `${rendered}/${SHOTS} rendered (download, verify, thumbnail, store); baseline only downloads`,
      },
    ];
  } finally {
    await replicate.close();
    await project.cleanup();
  }
}
