// 2. Schedule: 200 shots on a heavy model (limit 4), 500 ms ± 50 ms per render (the draft provider's
// latency setting): wall time against the ideal ⌈N/C⌉·L (computed) and against one at a time (measured).
import { resolveConfig } from '../src/core/config';
import { DraftProvider } from '../src/core/providers/draft';
import { RenderEngine } from '../src/core/render/engine';
import { createProject } from '../test/helpers/tempProject';
import { type BenchRow, ratio, timed } from './lib/report';

// DAILIES_BENCH_SCHEDULE_SHOTS makes it small for a smoke run; the full run takes ~2 minutes, most of
// it the one-at-a-time baseline, measured in full rather than extrapolated from a sample.
const LATENCY = 500;
const LIMIT = 4;

async function renderWall(shots: number, limit: number): Promise<number> {
  const project = await createProject({
    dailies: 1,
    models: { 'bench/heavy': { provider: 'draft', endpoint: 'draft', class: 'heavy' } },
    shots: Array.from({ length: shots }, (_, i) => ({
      id: `s${i}`,
      prompt: `bench shot ${i}`,
      seed: i,
      model: 'bench/heavy',
      steps: 10,
    })),
  });
  const config = resolveConfig({ limits: { heavy: limit }, draft: { latencyMs: LATENCY, jitterMs: 50 } });
  const engine = new RenderEngine({
    projectFile: project.file,
    config,
    providers: { draft: new DraftProvider(config.draft) },
  });
  try {
    const { ms, result } = await timed(() => engine.render());
    if (result.shots.rendered !== shots)
      throw new Error(`schedule bench rendered ${result.shots.rendered}/${shots}`);
    return ms;
  } finally {
    await engine.dispose();
    await project.cleanup();
  }
}

export async function runScheduleBench(): Promise<BenchRow[]> {
  const N = Number(process.env.DAILIES_BENCH_SCHEDULE_SHOTS ?? 200);
  const ideal = Math.ceil(N / LIMIT) * LATENCY;
  const wall = await renderWall(N, LIMIT);
  const sequential = await renderWall(N, 1);
  return [
    {
      bench: 'schedule',
      metric: `${N} shots, heavy limit ${LIMIT}, ${LATENCY}±50 ms: wall`,
      value: wall,
      unit: 'ms',
      baseline: { label: 'ideal ⌈N/C⌉·L (computed)', value: ideal },
      ratio: ratio(wall, ideal),
      goal: '≤ 1.05× ideal',
      ok: wall <= ideal * 1.05,
    },
    {
      bench: 'schedule',
      metric: 'speed-up over one at a time',
      value: wall,
      unit: 'ms',
      baseline: { label: `the same ${N} shots one at a time (measured)`, value: sequential },
      ratio: ratio(wall, sequential),
    },
  ];
}
