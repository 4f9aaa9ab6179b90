// 9. Hand-off exports of the 10,000-shot project (bench/lib/bigProject.ts; DAILIES_BENCH_EXPORTS_SHOTS
// for another size), every circled take with a real 400 px WebP thumbnail, each figure beside a baseline measured in the same run:
//   - OTIO, FCP 7 XML, EDL, CSV: the whole `exportCut` (load + validate project.json, stat every take,
//     write atomically) against loading and validating the project alone; goal ≤ 1 s for OTIO/EDL/CSV;
//   - PDF boards with thumbnails, in a child process: wall time (goal ≤ 30 s) against converting the
//     thumbnails alone with sharp the way the boards do (every thumbnail distinct, so nothing is embedded once); peak memory (maxRSS) against a child that only
//     loads the project and builds the hand-off model — the streamed writer's peak must not grow with the
//     number of pages.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { exportCut } from '../src/core/cut/export/exportCut';
import { buildHandoff } from '../src/core/cut/export/handoff';
import { panelPicture } from '../src/core/cut/export/pdf/thumbs';
import { loadProject } from '../src/core/project/load';
import { mapLimit } from '../src/core/util/mapLimit';
import { makeBigProject } from './lib/bigProject';
import { type BenchRow, ratio, timed } from './lib/report';

const run = promisify(execFile);
const SHOTS = Number(process.env.DAILIES_BENCH_EXPORTS_SHOTS ?? 10_000);
const REPEATS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * A real WebP thumbnail for every shot, each different (sharp's noise is random per image), as rendered
 * takes are: copies of a few would let the boards' embed-once path hide the per-picture cost.
 */
async function realThumbnails(dir: string, file: string): Promise<void> {
  const project = JSON.parse(await fs.readFile(file, 'utf8')) as {
    shots: { render?: { outputs: { thumb?: string }[] } }[];
  };
  await mapLimit(project.shots, 4, async (s, i) => {
    const thumb = s.render?.outputs[0]?.thumb;
    if (!thumb) return;
    await sharp({
      create: {
        width: 400,
        height: 168,
        channels: 3,
        background: { r: 40 + (i % 24) * 8, g: 60, b: 120 },
        noise: { type: 'gaussian', mean: 110, sigma: 30 },
      },
    })
      .webp({ quality: 80 })
      .toFile(path.join(dir, thumb));
  });
}

async function child(file: string, format: string, out: string) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'lib', 'exportChild.ts'), file, format, out],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as { ms: number; maxRssMb: number; pages?: number };
}

export async function runExportsBench(): Promise<BenchRow[]> {
  const big = await makeBigProject(SHOTS);
  try {
    await realThumbnails(big.dir, big.file);
    const rows: BenchRow[] = [];
    const loads: number[] = [];
    for (let i = 0; i < REPEATS; i++) loads.push((await timed(() => loadProject(big.file))).ms);
    const load = median(loads);
    for (const format of ['otio', 'fcpxml', 'edl', 'csv'] as const) {
      const times: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const out = path.join(big.dir, `bench.${format}`);
        times.push((await timed(() => exportCut(big.file, { format, out }))).ms);
      }
      const value = median(times);
      const goal = format === 'fcpxml' ? undefined : '≤ 1 s';
      rows.push({
        bench: 'exports',
        metric: `${format}, ${SHOTS.toLocaleString('en')} shots (median of ${REPEATS})`,
        value,
        unit: 'ms',
        baseline: { label: 'load + validate project.json', value: load },
        ratio: ratio(value, load),
        ...(goal ? { goal, ok: value <= 1000 } : {}),
      });
    }
    // The floor under the PDF: every panel picture converted, 6 at a time as the boards do.
    const doc = await loadProject(big.file);
    const cut = await buildHandoff(doc.project, doc.paths, { fps: 24 });
    const convert = await timed(() => mapLimit(cut.shots, 6, (s) => panelPicture(s, doc.paths)));
    const baselineMem = await child(big.file, 'load', '');
    const pdf = await child(big.file, 'pdf', path.join(big.dir, 'bench.pdf'));
    rows.push(
      {
        bench: 'exports',
        metric: `pdf boards with thumbnails, ${SHOTS.toLocaleString('en')} shots, ${pdf.pages} pages (own process)`,
        value: pdf.ms,
        unit: 'ms',
        baseline: { label: 'thumbnails → JPEG alone', value: convert.ms },
        ratio: ratio(pdf.ms, convert.ms),
        goal: '≤ 30 s',
        ok: pdf.ms <= 30_000,
      },
      {
        bench: 'exports',
        metric: 'pdf boards: peak memory (peak RSS of the exporting process)',
        value: pdf.maxRssMb,
        unit: 'MB',
        baseline: { label: 'load + hand-off model only', value: baselineMem.maxRssMb },
        ratio: ratio(pdf.maxRssMb, baselineMem.maxRssMb),
        note: `PDF size ${Math.round((await fs.stat(path.join(big.dir, 'bench.pdf'))).size / 2 ** 20)} MB`,
      },
    );
    return rows;
  } finally {
    await big.cleanup();
  }
}
