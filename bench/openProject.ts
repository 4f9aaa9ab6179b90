// 8. Opening a 10,000-shot production (about 12 MB of project.json, every shot rendered): what the
// extension host does before the status bar and the Shots tree can show it — read, one scan + parse +
// validate, plan (ref hashes, input hashes), the state model, the summary the status bar prints, and the
// rows of the tree's first levels — measured on the host side in node (the same core code the extension
// runs; the vscode calls themselves are not in it). `bench/openVscode.ts` measures the same open in
// code-server from the browser, when code-server is installed. Baseline: JSON.parse of the same text.
import { promises as fs } from 'node:fs';
import { resolveConfig } from '../src/core/config';
import { RenderEngine } from '../src/core/render/engine';
import { ProductionState } from '../src/core/state/productionState';
import { summaryParts } from '../src/shared/shotState';
import { type BigProject, makeBigProject } from './lib/bigProject';
import { type BenchRow, ratio } from './lib/report';

const RUNS = 3;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export async function runOpenProjectBench(big?: BigProject): Promise<BenchRow[]> {
  const project = big ?? (await makeBigProject());
  try {
    const parse: number[] = [];
    const toStatus: number[] = [];
    const toTree: number[] = [];
    const verify: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const text = await fs.readFile(project.file, 'utf8');
      let t = performance.now();
      JSON.parse(text);
      parse.push(performance.now() - t);
      // A new engine each run: nothing memoised in memory, as when VS Code opens the folder.
      const engine = new RenderEngine({
        projectFile: project.file,
        config: resolveConfig({}),
        providers: {},
      });
      try {
        t = performance.now();
        const { doc, shots } = await engine.plan({ trustOutputs: true });
        const state = new ProductionState();
        state.applyPlan(doc, shots);
        const line = summaryParts(state.counts()).join(' · ');
        toStatus.push(performance.now() - t);
        if (!line.includes('up to date')) throw new Error(`the big project should be up to date: ${line}`);
        // The tree's first levels: production → scenes (each with its shot count) → one opened scene.
        const scenes = state.scenes.filter((s) => state.shotsInScene(s.id).length > 0);
        const rows = state.shotsInScene(scenes[0]?.id).map((s) => `${s.id} ${s.status}`);
        toTree.push(performance.now() - t);
        if (!rows.length) throw new Error('no rows for the first scene');
        const v = performance.now();
        await engine.plan();
        verify.push(performance.now() - v);
      } finally {
        await engine.dispose();
      }
    }
    const mib = (project.bytes / 2 ** 20).toFixed(1);
    const base = { label: 'JSON.parse only', value: median(parse) };
    const row = (metric: string, values: number[], goal?: string): BenchRow => ({
      bench: 'open 10k',
      metric,
      value: median(values),
      unit: 'ms',
      baseline: base,
      ratio: ratio(median(values), base.value),
      ...(goal ? { goal, ok: median(values) < 1000 } : {}),
    });
    return [
      row(`${project.shots} shots (${mib} MiB): open → status bar summary (host side)`, toStatus, '< 1 s'),
      row(`${project.shots} shots: open → tree's first levels (host side)`, toTree, '< 1 s'),
      row(`${project.shots} shots: verifying plan (stat every output), after the first look`, verify),
    ];
  } finally {
    if (!big) await project.cleanup();
  }
}
