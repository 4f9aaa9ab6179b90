// `npm run bench`: every benchmark; a markdown table (with the date, the machine and its load, ready for
// the README) on stdout, and the same as JSON in test-output/bench/results.json.
//   node --import tsx bench/run.ts [scale io thumbnails uploads schedule overhead downloads animatic exports
//                                   video open storyboard extension activation open-vscode review]
//   node --import tsx bench/run.ts --smoke      every bench at a tiny scale, goals not judged (a quick check
//                                               that the benchmarks still run; `npm test` does this for scale)
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runActivationBench } from './activation';
import { runAnimaticBench } from './animatic';
import { runDownloadsBench } from './downloads';
import { runEngineOverheadBench } from './engineOverhead';
import { runExportsBench } from './exports';
import { runExtensionBench } from './extension';
import { runFarmBench } from './farm';
import { describeRun, loadAverage, machineInfo, type RunInfo } from './lib/machine';
import { type BenchRow, table } from './lib/report';
import { runOpenProjectBench } from './openProject';
import { runOpenVscodeBench } from './openVscode';
import { runProjectIOBench } from './projectIO';
import { runReviewBench } from './review';
import { runScaleBench } from './scale';
import { runScheduleBench } from './schedule';
import { storyboardBenchRows } from './storyboard';
import { runThumbnailBench } from './thumbnails';
import { runUploadsBench } from './uploads';
import { runVideoBench } from './video';

export const BENCHES: Record<string, () => Promise<BenchRow[]>> = {
  scale: runScaleBench,
  io: runProjectIOBench,
  thumbnails: runThumbnailBench,
  uploads: runUploadsBench,
  schedule: runScheduleBench,
  overhead: runEngineOverheadBench,
  downloads: runDownloadsBench,
  animatic: runAnimaticBench,
  exports: runExportsBench,
  video: runVideoBench,
  open: runOpenProjectBench,
  storyboard: storyboardBenchRows,
  extension: runExtensionBench,
  activation: runActivationBench,
  'open-vscode': runOpenVscodeBench,
  review: runReviewBench,
  farm: runFarmBench,
};

/** Tiny sizes for a smoke run (each bench reads its own variable; explicit settings win). */
const SMOKE_ENV: Record<string, string> = {
  DAILIES_BENCH_SIZES: '20,40',
  DAILIES_BENCH_IO_SIZES: '300',
  DAILIES_BENCH_THUMBS: '6',
  DAILIES_BENCH_SCHEDULE_SHOTS: '8',
  DAILIES_BENCH_ACTIVATION_RUNS: '1',
  DAILIES_BENCH_EXPORTS_SHOTS: '60',
  DAILIES_BENCH_FARM_SHOTS: '16',
  DAILIES_BENCH_FARM_JOB_MS: '200',
};
/** Benches that need a browser, a VS Code or a package build: not part of a smoke run. */
const HEAVY = new Set(['storyboard', 'extension', 'activation', 'open-vscode', 'review']);

export interface BenchReport {
  run: RunInfo;
  rows: BenchRow[];
  markdown: string;
}

export async function runBenches(names: string[], options: { smoke?: boolean } = {}): Promise<BenchReport> {
  if (options.smoke) for (const [k, v] of Object.entries(SMOKE_ENV)) process.env[k] ??= v;
  const start = loadAverage();
  const rows: BenchRow[] = [];
  for (const name of names) {
    process.stderr.write(`running ${name}…\n`);
    // One bench that cannot run (no browser, no VS Code) must not lose the figures of all the others.
    try {
      rows.push(...(await BENCHES[name]!()));
    } catch (err) {
      process.stderr.write(
        `${name} failed: ${err instanceof Error ? err.message.slice(0, 2000) : String(err)}\n`,
      );
      rows.push({ bench: name, metric: 'did not run (see stderr)', value: Number.NaN, unit: '', ok: false });
    }
  }
  const run: RunInfo = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineInfo(),
    load: { start, end: loadAverage() },
  };
  const title = options.smoke
    ? 'Dailies benchmarks (smoke run: tiny sizes, goals not judged)'
    : 'Dailies benchmarks';
  const markdown = [`### ${title}`, '', describeRun(run), '', table(rows)].join('\n');
  return { run, rows, markdown };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  const picked = args.filter((a) => a in BENCHES);
  const names = picked.length ? picked : Object.keys(BENCHES).filter((n) => !smoke || !HEAVY.has(n));
  const report = await runBenches(names, { smoke });
  console.log(`\n${report.markdown}\n`);
  const dir = path.join(__dirname, '..', 'test-output', 'bench');
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ ...report.run, smoke, rows: report.rows }, null, 2);
  writeFileSync(path.join(dir, 'results.json'), json);
  writeFileSync(path.join(dir, 'results.md'), `${report.markdown}\n`);
  console.log(json);
  if (!smoke && report.rows.some((r) => r.ok === false)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
