// 5. Project I/O on a 5,000-shot project.json: open + validate, write back 200 results (format kept),
// write back one. Baselines: plain JSON.parse, and a JSON.parse/stringify rewrite (which destroys the
// user's comments and formatting — what we must not do — but is the floor for speed).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadProject, parseProjectText } from '../src/core/project/load';
import type { RenderRecord } from '../src/core/project/schema';
import { FileProjectIO, ProjectWriter } from '../src/core/project/write';
import { tempDir } from '../test/helpers/tempProject';
import { type BenchRow, ratio, timed } from './lib/report';

function record(i: number): RenderRecord {
  return {
    status: 'done',
    inputHash: i.toString(16).padStart(64, '0'),
    provider: 'fal',
    model: 'fal-ai/flux/dev',
    seed: i,
    outputs: [
      {
        variation: 1,
        image: `renders/s${i}/s${i}_v1.png`,
        thumb: `renders/s${i}/s${i}_v1.thumb.webp`,
        width: 1360,
        height: 768,
      },
    ],
    renderedAt: new Date(1_800_000_000_000 + i).toISOString(),
    durationMs: 8000,
  };
}

export async function runProjectIOBench(): Promise<BenchRow[]> {
  const dir = tempDir();
  const file = path.join(dir, 'project.json');
  const shots = Array.from({ length: 5000 }, (_, i) => ({
    id: `s${i}`,
    scene: `sc${i % 40}`,
    cast: ['mara', 'ilya'].slice(0, (i % 3) + 0),
    prompt: `Shot ${i}: a long, specific cinematic prompt with framing, lens, light and action, written by a director.`,
    seed: i,
    variations: 1 + (i % 3),
    duration: 3.5,
  }));
  const text = `{\n  // 5,000 shots\n  "dailies": 1,\n  "cast": [{ "id": "mara" }, { "id": "ilya" }],\n  "scenes": ${JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: `sc${i}` })))},\n  "shots": ${JSON.stringify(shots, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
  await fs.writeFile(file, text);
  const rows: BenchRow[] = [];
  try {
    const parse = await timed(async () => JSON.parse(text.replace('// 5,000 shots', '')));
    const load = await timed(() => loadProject(file));
    rows.push({
      bench: 'project I/O',
      metric: `open + validate 5,000 shots (${(text.length / 2 ** 20).toFixed(1)} MiB)`,
      value: load.ms,
      unit: 'ms',
      baseline: { label: 'JSON.parse only', value: parse.ms },
      ratio: ratio(load.ms, parse.ms),
    });

    const naive = await timed(async () => {
      const obj = JSON.parse(text.replace('// 5,000 shots', '')) as { shots: { render?: RenderRecord }[] };
      for (let i = 0; i < 200; i++) obj.shots[i * 25]!.render = record(i);
      await fs.writeFile(path.join(dir, 'naive.json'), JSON.stringify(obj, null, 2));
    });
    const writer = new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
    for (let i = 0; i < 200; i++) writer.set(`s${i * 25}`, record(i));
    const batch = await timed(() => writer.flush());
    if (batch.result.written.length !== 200) throw new Error('write-back bench wrote too little');
    const after = await fs.readFile(file, 'utf8');
    const kept = after.includes('// 5,000 shots');
    rows.push({
      bench: 'project I/O',
      metric: 'write back 200 results (lock, re-read, edit, validate, atomic)',
      value: batch.ms,
      unit: 'ms',
      baseline: { label: 'parse+stringify rewrite', value: naive.ms },
      ratio: ratio(batch.ms, naive.ms),
      goal: 'format kept',
      ok: kept,
    });
    writer.set('s4999', record(4999));
    const one = await timed(() => writer.flush());
    rows.push({
      bench: 'project I/O',
      metric: 'write back one result',
      value: one.ms,
      unit: 'ms',
      baseline: { label: 'parse+stringify rewrite', value: naive.ms },
      ratio: ratio(one.ms, naive.ms),
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return rows;
}
