// One export in a process of its own, so its peak memory (VmHWM) is its own:
//   node --import tsx bench/lib/exportChild.ts <project.json> <format|load> <out>
// Prints {"ms", "maxRssMb", "pages"} on stdout. `load` only loads the project and builds the hand-off
// model: the baseline the PDF's peak is compared with.
import { exportCut, isExportFormat } from '../../src/core/cut/export/exportCut';
import { buildHandoff } from '../../src/core/cut/export/handoff';
import { loadProject } from '../../src/core/project/load';

// The same helper the preloaded rusage hook uses.
const { peakRssKiB } = require('./rusage.cjs') as { peakRssKiB: () => number };

async function main(): Promise<void> {
  const [file, format, out] = process.argv.slice(2) as [string, string, string];
  const t = performance.now();
  let pages: number | undefined;
  if (format === 'load') {
    const doc = await loadProject(file);
    await buildHandoff(doc.project, doc.paths, { fps: 24 });
  } else if (isExportFormat(format)) {
    pages = (await exportCut(file, { format, out })).pages;
  } else throw new Error(`unknown format ${format}`);
  const ms = performance.now() - t;
  const maxRssMb = Math.round((peakRssKiB() / 1024) * 10) / 10;
  process.stdout.write(`${JSON.stringify({ ms, maxRssMb, pages })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
