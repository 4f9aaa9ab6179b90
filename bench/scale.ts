// Scale curve: the same production at N = 1,000 / 5,000 / 20,000 shots (1 variation each, 3 refs per
// shot over 44 images), rendered through the real fal client against the fal fake answering at once.
// Each N runs the built CLI (dist/cli.js) as its own process, so its CPU (every thread) and peak RSS are
// its own; then the same command again on the rendered project (nothing to do: the no-op re-run); then
// one write-back flush on the real rendered project.json, in this process.
//   node --import tsx bench/run.ts scale                      (N = 1000, 5000, 20000)
//   DAILIES_BENCH_SIZES=30,60 node --import tsx bench/run.ts scale   (a quick smoke run)
//   DAILIES_BENCH_BASE_CLI=/other/checkout/dist/cli.js …   also renders each N with that build (e.g. the
//   main branch's), the same production, in the same run: before/after figures measured side by side.
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BatchSummary } from '../src/shared/events';
import { type FalFake, startFalFake } from '../test/fakes/falFake';
import { FAL_KEY } from '../test/helpers/cloud';
import { makeImage, tempDir } from '../test/helpers/tempProject';
import { runMeasured } from './lib/child';
import { type BenchRow, ratio } from './lib/report';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
export const DEFAULT_SIZES = [1_000, 5_000, 20_000];
const CAST = 4;
const SCENES = 40;

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
  /** The same render and no-op re-run by DAILIES_BENCH_BASE_CLI, when set. */
  base?: { render: CliCost; noop: CliCost };
  /** Wall and event-loop busy time (the stall an extension host would feel) of write-back flushes. */
  flush: {
    coldMs: number;
    /** Until flush() returns; the lost-save check finishes after it (steadySettledMs). */
    steadyMs: number;
    steadySettledMs?: number;
    steadyBusyMs: number;
    steadyCpuMs: number;
    steadyMaxBusyMs?: number;
    batch50Ms: number;
    batch50SettledMs?: number;
    batch50BusyMs?: number;
    batch50CpuMs?: number;
  };
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
      // Real prompts carry typographic punctuation: the file is UTF-8, not ASCII.
      prompt: `Shot ${i}: a slow push-in on the platform as the night train arrives — 35mm, sodium light, rain.`,
      seed: i,
      duration: 3.5,
      notes: '',
    })),
  };
  const file = path.join(dir, 'project.json');
  await fs.writeFile(file, `${JSON.stringify(project, null, 2)}\n`);
  return file;
}

/**
 * One write-back flush on the rendered file, measured in a fresh process of its own (flushProbe.ts):
 * this one holds the fal fake's records of every request, and its garbage collector would be measured
 * along with the flush.
 */
async function measureFlush(file: string, n: number): Promise<ScalePoint['flush']> {
  const out = await runMeasured(path.join(__dirname, 'lib', 'flushProbe.ts'), [file, String(n)], {}, [
    '--import',
    'tsx',
  ]);
  if (out.code !== 0) throw new Error(`flush probe failed: ${out.stderr.slice(-2000)}`);
  return JSON.parse(out.stdout) as ScalePoint['flush'];
}

type CliCost = Awaited<ReturnType<typeof runCli>>;

/** The scale bench's render: the built CLI against the fal fake, as fast as the fake answers. */
export async function runCli(file: string, fal: FalFake, cli = CLI) {
  const cost = await runMeasured(cli, ['render', file, '--json', '--quiet'], {
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
    const fal = await startFalFake({
      apiKey: FAL_KEY,
      stepMs: 0,
      steps: 1,
      queueMs: 0,
      ownOriginMedia: true,
    });
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
      const baseCli = process.env.DAILIES_BENCH_BASE_CLI;
      let base: ScalePoint['base'];
      if (baseCli) {
        const baseDir = tempDir('dailies-scale-base-');
        try {
          const baseFile = await makeProduction(baseDir, n);
          fal.clearRecords();
          const baseRender = await runCli(baseFile, fal, baseCli);
          fal.clearRecords();
          base = { render: baseRender, noop: await runCli(baseFile, fal, baseCli) };
        } finally {
          await fs.rm(baseDir, { recursive: true, force: true });
        }
      }
      points.push({ shots: n, projectBytes, render, noop, flush, base });
    } finally {
      await fal.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  return points;
}

/** This build against DAILIES_BENCH_BASE_CLI on the same production, measured in the same run. */
function baseRows(n: string, p: ScalePoint, base: NonNullable<ScalePoint['base']>): BenchRow[] {
  const row = (metric: string, value: number, baseValue: number, unit: string): BenchRow => ({
    bench: 'scale',
    metric: `${n} shots: ${metric}`,
    value,
    unit,
    baseline: { label: 'base CLI, same run', value: baseValue },
    ratio: ratio(value, baseValue),
  });
  return [
    row('render, CPU per shot vs base CLI', p.render.cpuMs / p.shots, base.render.cpuMs / p.shots, 'ms'),
    row('render, peak RSS vs base CLI', p.render.peakRssMiB, base.render.peakRssMiB, 'MiB'),
    row('no-op re-run, CPU vs base CLI', p.noop.cpuMs, base.noop.cpuMs, 'ms'),
    row('no-op re-run, wall vs base CLI', p.noop.wallMs, base.noop.wallMs, 'ms'),
  ];
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
      ...(p.base ? baseRows(n, p, p.base) : []),
      {
        bench: 'scale',
        metric: `${n} shots: one write-back flush, thread busy (the stall in an extension host)`,
        value: p.flush.steadyBusyMs,
        unit: 'ms',
        note:
          `event-loop busy time up to the end of the lost-save check; process CPU ${p.flush.steadyCpuMs.toFixed(1)} ms` +
          (p.flush.steadyMaxBusyMs === undefined ? '' : `; worst ${p.flush.steadyMaxBusyMs.toFixed(1)} ms`) +
          (p.flush.batch50BusyMs === undefined ? '' : `; 50 results ${p.flush.batch50BusyMs.toFixed(1)} ms`),
        goal: '≤ 20 ms',
        ok: p.flush.steadyBusyMs <= 20,
      },
      {
        bench: 'scale',
        metric: `${n} shots: one write-back flush, wall as the writer waits for it (1 result, file unchanged)`,
        value: p.flush.steadyMs,
        unit: 'ms',
        note:
          'lock, whole-file write + fsync with the old file compared meanwhile, rename' +
          (p.flush.steadySettledMs === undefined
            ? ''
            : `; ${p.flush.steadySettledMs.toFixed(0)} ms until its lost-save check (5 ms grace, the replaced file compared again, closed) is over, which the next flush waits for`) +
          `; first flush ${p.flush.coldMs.toFixed(0)} ms; 50 results ${p.flush.batch50Ms.toFixed(0)} ms`,
        goal: '≤ 20 ms',
        ok: p.flush.steadyMs <= 20,
      },
    );
  }
  return rows;
}
