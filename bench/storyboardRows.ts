// 4. The storyboard webview's figures (bench/storyboard.ts) as table rows with their goals.
import type { BenchRow } from './lib/report';
import { runStoryboardBench } from './storyboard';

export async function storyboardRows(): Promise<BenchRow[]> {
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
