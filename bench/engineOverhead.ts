// 7. Engine overhead: CPU time Dailies spends per job (plan, hashing, limiter, verify + thumbnail, store,
// result cache, write-back) with a provider that answers instantly, against calling that provider alone.
import { resolveConfig } from '../src/core/config';
import { ModelRegistry } from '../src/core/providers/registry';
import { RenderEngine } from '../src/core/render/engine';
import { FakeProvider } from '../test/helpers/fakeProvider';
import { createProject } from '../test/helpers/tempProject';
import { type BenchRow, ratio } from './lib/report';

const JOBS = 400;

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

export async function runEngineOverheadBench(): Promise<BenchRow[]> {
  const provider = new FakeProvider({ latencyMs: 0 });
  // Baseline: the provider alone, as many calls, same request shape.
  const model = new ModelRegistry().get('draft/storyboard')!;
  const ctx = {
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onSubmitted: () => undefined,
    log: () => undefined,
  };
  const request = (i: number) => ({
    shotId: `s${i}`,
    variation: 1,
    variations: 1,
    model,
    prompt: 'x',
    seed: i % 50,
    steps: 2,
    width: 64,
    height: 36,
    aspectRatio: '16:9',
    params: {},
    refs: [],
    labels: { cast: [] },
    refUrls: new Map(),
  });
  await provider.generate(request(-1), ctx); // warm-up, not measured
  const base = process.cpuUsage();
  for (let i = 0; i < JOBS; i++) await provider.generate(request(i), ctx);
  const providerOnly = cpuMs(base) / JOBS;

  const project = await createProject({
    dailies: 1,
    shots: Array.from({ length: JOBS }, (_, i) => ({ id: `s${i}`, prompt: `overhead ${i}`, seed: i % 50 })),
  });
  const engine = new RenderEngine({
    projectFile: project.file,
    config: resolveConfig({ limits: { light: 16 } }),
    providers: { draft: new FakeProvider({ latencyMs: 0 }) },
  });
  try {
    const start = process.cpuUsage();
    const t = performance.now();
    const s = await engine.render();
    const wall = performance.now() - t;
    if (s.shots.rendered !== JOBS) throw new Error(`overhead bench rendered ${s.shots.rendered}`);
    const perJob = cpuMs(start) / JOBS;
    return [
      {
        bench: 'engine overhead',
        metric: 'CPU per job, zero-latency provider',
        value: perJob,
        unit: 'ms',
        baseline: { label: 'provider alone', value: providerOnly },
        ratio: ratio(perJob, providerOnly),
        note: `${JOBS} jobs in ${(wall / 1000).toFixed(1)} s wall`,
      },
    ];
  } finally {
    await engine.dispose();
    await project.cleanup();
  }
}
