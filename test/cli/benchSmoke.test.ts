// `npm run bench` still runs: the scale curve (the built CLI in a child process per size, against the fal
// fake) and the project I/O bench, at tiny sizes. No timing is judged here — only that every figure is
// produced, the work really happened, and the report carries the machine and its load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBenches } from '../../bench/run';
import { runScalePoints } from '../../bench/scale';

describe('benchmarks, smoke run', () => {
  it('the scale curve renders every shot, then finds nothing to do, and measures each step', async () => {
    const points = await runScalePoints({ sizes: [12, 24] });
    assert.deepEqual(
      points.map((p) => [p.shots, p.render.summary.shots.rendered, p.noop.summary.shots.skipped]),
      [
        [12, 12, 0],
        [24, 24, 0],
      ].map(([n]) => [n, n, n]),
    );
    for (const p of points) {
      for (const v of [p.render.cpuMs, p.render.peakRssMiB, p.noop.wallMs, p.flush.steadyMs, p.projectBytes])
        assert.ok(Number.isFinite(v) && v > 0, `${p.shots}: ${v}`);
    }
  });

  it('prints a markdown table with the date, the machine and its load', async () => {
    const report = await runBenches(['io'], { smoke: true });
    assert.match(report.markdown, /^### Dailies benchmarks \(smoke run/m);
    assert.match(
      report.markdown,
      /Measured \d{4}-\d{2}-\d{2} on .+, \d+ cores, [\d.]+ GiB RAM, .+load average/,
    );
    assert.match(report.markdown, /^\| bench +\| metric +\| value/m);
    assert.equal(report.rows.length, 3);
    assert.ok(report.rows.every((r) => Number.isFinite(r.value) && r.value > 0));
    assert.ok(report.run.machine.cores >= 1 && report.run.load.start.length === 3);
  });
});
