// `npm run bench`: every benchmark, a table on stdout and JSON in test-output/bench/results.json.
//   node --import tsx bench/run.ts [uploads schedule thumbnails storyboard io extension overhead downloads open open-vscode animatic video]
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAnimaticBench } from './animatic';
import { runDownloadsBench } from './downloads';
import { runEngineOverheadBench } from './engineOverhead';
import { runExtensionBench } from './extension';
import { type BenchRow, table } from './lib/report';
import { runOpenProjectBench } from './openProject';
import { runOpenVscodeBench } from './openVscode';
import { runProjectIOBench } from './projectIO';
import { runScheduleBench } from './schedule';
import { storyboardBenchRows } from './storyboard';
import { runThumbnailBench } from './thumbnails';
import { runUploadsBench } from './uploads';
import { runVideoBench } from './video';

const BENCHES: Record<string, () => Promise<BenchRow[]>> = {
  uploads: runUploadsBench,
  schedule: runScheduleBench,
  thumbnails: runThumbnailBench,
  storyboard: storyboardRows,
  io: runProjectIOBench,
  extension: runExtensionBench,
  overhead: runEngineOverheadBench,
  downloads: runDownloadsBench,
  open: runOpenProjectBench,
  'open-vscode': runOpenVscodeBench,
  animatic: runAnimaticBench,
  video: runVideoBench,
};

async function storyboardRows(): Promise<BenchRow[]> {
  return storyboardBenchRows();
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
