// 5. Project I/O on real rendered productions of 5,000 and 20,000 shots: every shot carries the render
// record Dailies writes (outputs with thumbnails, hashes, sizes, timings), written by Dailies' own
// write-back, so the text is exactly what a user's file looks like after a batch. Open + validate,
// write back 200 results (the first flush, which learns the file), write back one result (a steady
// flush). Baselines, measured on the same file: plain JSON.parse, and a JSON.parse/stringify rewrite
// (which destroys the user's comments and formatting — what we must not do — but is the floor for speed).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadProject, parseProjectText } from '../src/core/project/load';
import type { RenderRecord } from '../src/core/project/schema';
import { FileProjectIO, ProjectWriter } from '../src/core/project/write';
import { tempDir } from '../test/helpers/tempProject';
import { type BenchRow, median, ratio, timed } from './lib/report';

const STEADY_FLUSHES = 9;

function record(i: number, at: number): RenderRecord {
  const hex = (n: number) => n.toString(16).padStart(64, '0');
  return {
    status: 'done',
    inputHash: hex(i + at),
    provider: 'fal',
    model: 'fal-ai/flux-pro/kontext/multi',
    seed: i,
    outputs: [
      {
        variation: 1,
        image: `renders/s${i}/s${i}_v1.png`,
        thumb: `renders/s${i}/s${i}_v1.thumb.webp`,
        seed: i,
        sha256: hex(i * 7919 + at),
        width: 1360,
        height: 768,
      },
    ],
    renderedAt: new Date(1_800_000_000_000 + i * 1000 + at).toISOString(),
    durationMs: 8000 + (i % 500),
    queueMs: 120 + (i % 40),
    costUsd: 0.04,
  };
}

async function renderedProduction(dir: string, n: number): Promise<string> {
  const file = path.join(dir, 'project.json');
  const shots = Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    scene: `sc${i % 40}`,
    cast: ['mara', 'ilya'].slice(0, (i % 3) + 0),
    prompt: `Shot ${i}: a long, specific cinematic prompt with framing, lens, light and action, written by a director.`,
    seed: i,
    duration: 3.5,
  }));
  const text = `{\n  // ${n} shots\n  "dailies": 1,\n  "cast": [{ "id": "mara" }, { "id": "ilya" }],\n  "scenes": ${JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: `sc${i}` })))},\n  "shots": ${JSON.stringify(shots, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
  await fs.writeFile(file, text);
  // Every result recorded by Dailies' own write-back, as after a batch.
  const writer = new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
  for (let i = 0; i < n; i++) writer.set(`s${i}`, record(i, 0));
  const report = await writer.flush();
  if (report.written.length !== n) throw new Error(`recorded ${report.written.length} of ${n}`);
  return file;
}

async function ioRows(n: number): Promise<BenchRow[]> {
  const dir = tempDir();
  const rows: BenchRow[] = [];
  try {
    const file = await renderedProduction(dir, n);
    const text = await fs.readFile(file, 'utf8');
    const size = `${(Buffer.byteLength(text) / 2 ** 20).toFixed(1)} MiB`;
    const label = `${n.toLocaleString('en-US')} rendered shots (${size})`;
    const plain = text.replace(/^ {2}\/\/ .*$/m, '');
    const parse = await timed(async () => JSON.parse(plain));
    const load = await timed(() => loadProject(file));
    rows.push({
      bench: 'project I/O',
      metric: `${label}: open + validate`,
      value: load.ms,
      unit: 'ms',
      baseline: { label: 'JSON.parse only', value: parse.ms },
      ratio: ratio(load.ms, parse.ms),
    });
    const batchSize = Math.min(200, n);
    const batchIds = Array.from({ length: batchSize }, (_, i) => Math.floor((i * n) / batchSize));
    const naive = await timed(async () => {
      const obj = JSON.parse(plain) as { shots: { render?: RenderRecord }[] };
      for (const i of batchIds) obj.shots[i]!.render = record(i, 1);
      await fs.writeFile(path.join(dir, 'naive.json'), JSON.stringify(obj, null, 2));
    });
    const writer = new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
    for (const i of batchIds) writer.set(`s${i}`, record(i, 1));
    const batch = await timed(() => writer.flush());
    if (batch.result.written.length !== batchSize) throw new Error('write-back bench wrote too little');
    const kept = (await fs.readFile(file, 'utf8')).includes(`// ${n} shots`);
    rows.push({
      bench: 'project I/O',
      metric: `${label}: write back ${batchSize} results, first flush (lock, read, index, edit, validate, atomic)`,
      value: batch.ms,
      unit: 'ms',
      baseline: { label: 'parse+stringify rewrite', value: naive.ms },
      ratio: ratio(batch.ms, naive.ms),
      goal: 'format kept',
      ok: kept,
    });
    const steady: number[] = [];
    for (let k = 0; k < STEADY_FLUSHES; k++) {
      writer.set(`s${(k * 997) % n}`, record(k + 1, 2));
      steady.push((await timed(() => writer.flush())).ms);
    }
    rows.push({
      bench: 'project I/O',
      metric: `${label}: write back one result (file unchanged since the last flush)`,
      value: median(steady),
      unit: 'ms',
      baseline: { label: 'parse+stringify rewrite', value: naive.ms },
      ratio: ratio(median(steady), naive.ms),
      note: `median of ${STEADY_FLUSHES}`,
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function runProjectIOBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes = (process.env.DAILIES_BENCH_IO_SIZES ?? '5000,20000').split(',').map(Number);
  for (const n of sizes) rows.push(...(await ioRows(n)));
  return rows;
}
