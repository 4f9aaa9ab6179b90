// Measures write-back flushes on a rendered project.json, alone in its process (see scale.ts):
//   node --import tsx bench/lib/flushProbe.ts <project.json> <shots>   → JSON on stdout
// The first flush learns the file; then steady flushes of one result each; then one of 50 results.
// A flush returns once its text is durable (renamed into place); its check for a save lost in the file it
// replaced finishes after that (see ProjectWriter.settled), and before the next flush writes: each one is
// timed to both points, and its thread and CPU time are counted up to the second, so they include that
// check's work.
import { parseProjectText } from '../../src/core/project/load';
import type { RenderRecord } from '../../src/core/project/schema';
import { FileProjectIO, ProjectWriter } from '../../src/core/project/write';
import { median } from './report';

const FLUSHES = 15;

function record(i: number): RenderRecord {
  return {
    status: 'done',
    inputHash: (i + 1).toString(16).padStart(64, 'a'),
    provider: 'fal',
    model: 'fal-ai/flux-pro/kontext/multi',
    seed: i,
    outputs: [{ variation: 1, image: `renders/s${i}/s${i}_v1.png`, width: 512, height: 288 }],
    renderedAt: new Date(1_900_000_000_000 + i).toISOString(),
    durationMs: 1,
  };
}

/** Write-back on the rendered file: the first flush (index built), then steady flushes of one result. */
async function measureFlush(file: string, n: number) {
  const writer = new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
  const flush = async (ids: number[]) => {
    ids = [...new Set(ids)];
    for (const i of ids) writer.set(`s${i}`, record(i));
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const t = performance.now();
    const report = await writer.flush();
    const ms = performance.now() - t;
    await writer.settled();
    const settledMs = performance.now() - t;
    const busyMs = performance.eventLoopUtilization(elu).active;
    const used = process.cpuUsage(cpu);
    if (report.written.length !== ids.length) throw new Error(`flush wrote ${report.written.length}`);
    return { ms, settledMs, busyMs, cpuMs: (used.user + used.system) / 1000 };
  };
  const cold = await flush([0]);
  const steady: Awaited<ReturnType<typeof flush>>[] = [];
  for (let k = 1; k <= FLUSHES; k++) steady.push(await flush([Math.floor((k * n) / (FLUSHES + 1))]));
  const batch = await flush(Array.from({ length: Math.min(50, n) }, (_, k) => Math.floor((k * n) / 50)));
  return {
    coldMs: cold.ms,
    /** As the writer sees it: from flush() until it returns (the new text durable in place). */
    steadyMs: median(steady.map((s) => s.ms)),
    /** Until the flush's lost-save check (and the close of the replaced file) has finished too. */
    steadySettledMs: median(steady.map((s) => s.settledMs)),
    steadyBusyMs: median(steady.map((s) => s.busyMs)),
    steadyCpuMs: median(steady.map((s) => s.cpuMs)),
    /** The worst steady flush: a flush now and then may do more (e.g. join a text's pieces again). */
    steadyMaxBusyMs: Math.max(...steady.map((s) => s.busyMs)),
    batch50Ms: batch.ms,
    batch50SettledMs: batch.settledMs,
    batch50BusyMs: batch.busyMs,
    batch50CpuMs: batch.cpuMs,
  };
}

const [file, shots] = process.argv.slice(2);
measureFlush(file!, Number(shots)).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
