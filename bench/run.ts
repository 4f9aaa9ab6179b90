// `npm run bench`: every benchmark, a table on stdout and JSON in test-output/bench/results.json.
//   node --import tsx bench/run.ts [uploads schedule thumbnails storyboard io extension overhead farm]
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runEngineOverheadBench } from './engineOverhead';
import { runExtensionBench } from './extension';
import { runFarmBench } from './farm';
import { type BenchRow, table } from './lib/report';
import { runProjectIOBench } from './projectIO';
import { runScheduleBench } from './schedule';
import { runStoryboardBench } from './storyboard';
import { runThumbnailBench } from './thumbnails';
import { runUploadsBench } from './uploads';

const BENCHES: Record<string, () => Promise<BenchRow[]>> = {
  uploads: runUploadsBench,
  schedule: runScheduleBench,
  thumbnails: runThumbnailBench,
  storyboard: storyboardRows,
  io: runProjectIOBench,
  extension: runExtensionBench,
  overhead: runEngineOverheadBench,
  farm: runFarmBench,
};

async function storyboardRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const r of await runStoryboardBench()) {
    const shots = Number(r.shots);
    const n = (k: string) => Number(r[k]);
    rows.push({
      bench: 'storyboard',
      metric: `${shots} shots: first paint`,
      value: n('firstPaintMs'),
      unit: 'ms',
      goal: '≤ 500 ms',
      ok: n('firstPaintMs') <= 500,
    });
    rows.push({
      bench: 'storyboard',
      metric: `${shots} shots: first paint incl. snapshot transfer`,
      value: n('firstPaintViaPipeMs'),
      unit: 'ms',
    });
    rows.push({
      bench: 'storyboard',
      metric: `${shots} shots: DOM nodes in the grid`,
      value: n('gridNodes'),
      unit: '',
      goal: '≤ a few hundred',
      ok: n('gridNodes') <= 400,
    });
    rows.push({
      bench: 'storyboard',
      metric: `${shots} shots: image bytes at first paint`,
      value: n('firstScreenImageKiB') * 1024,
      unit: 'B',
    });
    for (const [key, how] of [
      ['wheelFrameP95Ms', 'wheel scroll'],
      ['flingFrameP95Ms', 'fast fling'],
    ] as const) {
      rows.push({
        bench: 'storyboard',
        metric: `${shots} shots: frame p95, ${how}`,
        value: n(key),
        unit: 'ms',
        goal: '≈ 16.7 ms',
        ok: n(key) <= 20,
      });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const picked = process.argv.slice(2).filter((a) => a in BENCHES);
  const names = picked.length ? picked : Object.keys(BENCHES);
  const rows: BenchRow[] = [];
  for (const name of names) {
    process.stderr.write(`running ${name}…\n`);
    rows.push(...(await BENCHES[name]!()));
  }
  const machine = `${os.cpus().length} cores · ${Math.round(os.totalmem() / 2 ** 30)} GiB · node ${process.version} · ${new Date().toISOString().slice(0, 10)}`;
  console.log(`\nDailies benchmarks (${machine})\n`);
  console.log(table(rows));
  const dir = path.join(__dirname, '..', 'test-output', 'bench');
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ machine, rows }, null, 2);
  writeFileSync(path.join(dir, 'results.json'), json);
  console.log(`\n${json}`);
  if (rows.some((r) => r.ok === false)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
