// Scale curve: the same production at N = 1,000 / 5,000 / 20,000 shots (1 variation each, 3 refs per
// shot over 44 images), rendered through the real fal client against the fal fake answering at once.
// Each N runs the built CLI (dist/cli.js) as its own process, so its CPU (every thread) and peak RSS are
// its own; then the same command again on the rendered project (nothing to do: the no-op re-run); then
// one write-back flush on the real rendered project.json, in this process.
//   node --import tsx bench/run.ts scale                      (N = 1000, 5000, 20000)
//   DAILIES_BENCH_SIZES=30,60 node --import tsx bench/run.ts scale   (a quick smoke run)
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseProjectText } from '../src/core/project/load';
import type { RenderRecord } from '../src/core/project/schema';
import { FileProjectIO, ProjectWriter } from '../src/core/project/write';
import type { BatchSummary } from '../src/shared/events';
import { type FalFake, startFalFake } from '../test/fakes/falFake';
import { FAL_KEY } from '../test/helpers/cloud';
import { makeImage, tempDir } from '../test/helpers/tempProject';
import { runMeasured } from './lib/child';
import { type BenchRow, median, ratio } from './lib/report';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
export const DEFAULT_SIZES = [1_000, 5_000, 20_000];
const CAST = 4;
const SCENES = 40;
const FLUSHES = 15;

export interface ScaleOptions {
  sizes?: number[];
  /** Build dist/cli.js first (default); a caller that just built it can skip. */
  build?: boolean;
}

export interface ScalePoint {
  shots: number;
  projectBytes: number;
  render: { wallMs: number; cpuMs: number; peakRssMiB: number; summary: BatchSummary };
  noop: { wallMs: number; cpuMs: number; peakRssMiB: number; summary: BatchSummary };
  flush: { coldMs: number; steadyMs: number; steadyCpuMs: number; batch50Ms: number };
}

export function sizesFromEnv(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.DAILIES_BENCH_SIZES;
  const sizes = raw
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return sizes?.length ? sizes : DEFAULT_SIZES;
}

/** A production like a real one: a cast with refs, scenes with decor, a paragraph of prompt per shot. */
export async function makeProduction(dir: string, n: number): Promise<string> {
  await Promise.all([
    ...Array.from({ length: CAST }, (_, i) =>
      makeImage(path.join(dir, 'cast', `c${i}.png`), { color: `#${(0x203040 + i * 0x101010).toString(16)}` }),
    ),
    ...Array.from({ length: SCENES }, (_, i) =>
      makeImage(path.join(dir, 'decor', `d${i}.jpg`), {
        width: 480,
        height: 270,
        color: `#${(0x402010 + i * 0x030507).toString(16).slice(-6)}`,
      }),
    ),
  ]);
  const project = {
    dailies: 1,
    title: `Scale ${n}`,
    defaults: { model: 'fal-ai/flux-pro/kontext/multi' },
    cast: Array.from({ length: CAST }, (_, i) => ({
      id: `c${i}`,
      name: `Cast ${i}`,
      refs: [`cast/c${i}.png`],
    })),
    scenes: Array.from({ length: SCENES }, (_, i) => ({
      id: `sc${i}`,
      title: `Scene ${i}`,
      decor: [`decor/d${i}.jpg`],
    })),
    shots: Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      scene: `sc${i % SCENES}`,
      cast: [`c${i % CAST}`, `c${(i + 1) % CAST}`],
      prompt: `Shot ${i}: a slow push-in on the platform as the night train arrives, 35mm, sodium light, rain.`,
      seed: i,
      duration: 3.5,
      notes: '',
    })),
  };
  const file = path.join(dir, 'project.json');
  await fs.writeFile(file, `${JSON.stringify(project, null, 2)}\n`);
  return file;
}

function record(i: number): RenderRecord {
  return {
    status: 'done',
    inputHash: (i + 1).toString(16).padStart(64, 'a'),
    provider: 'fal',
    model: 'fal-ai/flux-pro/kontext/multi',
    seed: i,
    outputs: [{ variation: 1, image: `renders/s${i}/s${i}_v1.png`, width: 512, height: 288 }],
    renderedAt: new Date(1_900_000_000_000 + i).toISOString(),
    durationMs: 1,
  };
}

/** Write-back on the rendered file: the first flush (index built), then steady flushes of one result. */
async function measureFlush(file: string, n: number): Promise<ScalePoint['flush']> {
  const writer = new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
  const flush = async (ids: number[]) => {
    ids = [...new Set(ids)];
    for (const i of ids) writer.set(`s${i}`, record(i));
    const cpu = process.cpuUsage();
    const t = performance.now();
    const report = await writer.flush();
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    if (report.written.length !== ids.length) throw new Error(`flush wrote ${report.written.length}`);
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  };
  const cold = await flush([0]);
  const steady: { ms: number; cpuMs: number }[] = [];
  for (let k = 1; k <= FLUSHES; k++) steady.push(await flush([Math.floor((k * n) / (FLUSHES + 1))]));
  const batch = await flush(Array.from({ length: Math.min(50, n) }, (_, k) => Math.floor((k * n) / 50)));
  return {
    coldMs: cold.ms,
    steadyMs: median(steady.map((s) => s.ms)),
    steadyCpuMs: median(steady.map((s) => s.cpuMs)),
    batch50Ms: batch.ms,
  };
}

async function runCli(file: string, fal: FalFake) {
  const cost = await runMeasured(CLI, ['render', file, '--json', '--quiet'], {
    FAL_KEY,
    REPLICATE_API_TOKEN: '',
    DAILIES_FAL_URL: fal.origin,
    DAILIES_POLL_MS: '10',
    DAILIES_RATE_FAL: '100000',
    DAILIES_LIMIT_HEAVY: '16',
  });
  if (cost.code !== 0) throw new Error(`CLI exited ${cost.code}: ${cost.stderr.slice(-2000)}`);
  const summary = JSON.parse(cost.stdout) as BatchSummary;
  return { wallMs: cost.wallMs, cpuMs: cost.cpuMs, peakRssMiB: cost.peakRssMiB, summary };
}

export async function runScalePoints(options: ScaleOptions = {}): Promise<ScalePoint[]> {
  if (options.build !== false || !existsSync(CLI)) {
    execFileSync(process.execPath, ['esbuild.mjs', '--only=cli'], { cwd: ROOT, stdio: 'ignore' });
  }
  const points: ScalePoint[] = [];
  for (const n of options.sizes ?? sizesFromEnv()) {
    const fal = await startFalFake({ apiKey: FAL_KEY, stepMs: 0, steps: 1, queueMs: 0 });
    const dir = tempDir('dailies-scale-');
    try {
      const file = await makeProduction(dir, n);
      const render = await runCli(file, fal);
      if (render.summary.shots.rendered !== n)
        throw new Error(`scale ${n}: rendered ${render.summary.shots.rendered}`);
      fal.clearRecords();
      const noop = await runCli(file, fal);
      if (noop.summary.shots.skipped !== n)
        throw new Error(`scale ${n}: re-run skipped ${noop.summary.shots.skipped}`);
      const projectBytes = (await fs.stat(file)).size;
      const flush = await measureFlush(file, n);
      points.push({ shots: n, projectBytes, render, noop, flush });
    } finally {
      await fal.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  return points;
}

export async function runScaleBench(options: ScaleOptions = {}): Promise<BenchRow[]> {
  const points = await runScalePoints(options);
  const rows: BenchRow[] = [];
  const first = points[0];
  const last = points[points.length - 1];
  for (const p of points) {
    const n = p.shots.toLocaleString('en-US');
    const cpuPerShot = p.render.cpuMs / p.shots;
    const baseCpu = first ? first.render.cpuMs / first.shots : cpuPerShot;
    const isLast = p === last && points.length > 1;
    rows.push(
      {
        bench: 'scale',
        metric: `${n} shots: render, wall`,
        value: p.render.wallMs,
        unit: 'ms',
        note: `project.json ${p.projectBytes >= 2 ** 20 ? `${(p.projectBytes / 2 ** 20).toFixed(1)} MiB` : `${Math.round(p.projectBytes / 1024)} KiB`} after`,
      },
      {
        bench: 'scale',
        metric: `${n} shots: CPU per shot (CLI process, all threads)`,
        value: cpuPerShot,
        unit: 'ms',
        ...(p !== first && first
          ? {
              baseline: { label: `${first.shots.toLocaleString('en-US')} shots`, value: baseCpu },
              ratio: ratio(cpuPerShot, baseCpu),
              goal: '≤ 1.2×',
              ok: cpuPerShot <= baseCpu * 1.2,
            }
          : {}),
      },
      {
        bench: 'scale',
        metric: `${n} shots: peak RSS, render`,
        value: p.render.peakRssMiB,
        unit: 'MiB',
        ...(isLast ? { goal: '≤ 600 MB', ok: p.render.peakRssMiB * 1.048576 <= 600 } : {}),
      },
      {
        bench: 'scale',
        metric: `${n} shots: no-op re-run, wall (process start to exit)`,
        value: p.noop.wallMs,
        unit: 'ms',
        note: `peak RSS ${p.noop.peakRssMiB.toFixed(0)} MiB, CPU ${p.noop.cpuMs.toFixed(0)} ms`,
        ...(isLast ? { goal: '≤ 1 s', ok: p.noop.wallMs <= 1000 } : {}),
      },
      {
        bench: 'scale',
        metric: `${n} shots: one write-back flush (1 result, file unchanged)`,
        value: p.flush.steadyMs,
        unit: 'ms',
        note: `CPU ${p.flush.steadyCpuMs.toFixed(1)} ms; first flush ${p.flush.coldMs.toFixed(0)} ms; 50 results ${p.flush.batch50Ms.toFixed(0)} ms`,
        goal: '≤ 20 ms',
        ok: p.flush.steadyMs <= 20,
      },
    );
  }
  return rows;
}
