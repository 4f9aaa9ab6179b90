// A child process that records render results into project.json through the real write-back path
// (ProjectWriter + FileProjectIO: lock, re-read, minimal edits, validate, replace), one shot per flush,
// as a batch does. Used by tests that read or kill it mid-write.
//   node --import tsx test/helpers/writeBackLoop.ts <project.json> <shots> <write-backs | 0 = forever> [done-marker]
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseProjectText } from '../../src/core/project/load';
import type { RenderRecord } from '../../src/core/project/schema';
import { FileProjectIO, ProjectWriter } from '../../src/core/project/write';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The record the loop writes for write-back `i` (tests check what they find is one of these). */
export function recordFor(i: number, shots: number): { shotId: string; record: RenderRecord } {
  const shotId = `s${i % shots}`;
  return {
    shotId,
    record: {
      status: 'done',
      inputHash: hex(`input ${i}`),
      provider: 'draft',
      model: 'draft/storyboard',
      outputs: [{ variation: 1, image: `renders/${shotId}/${shotId}_v1.png`, sha256: hex(`image ${i}`) }],
      renderedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    },
  };
}

async function main(): Promise<void> {
  const [file, shotsArg, limitArg, marker] = process.argv.slice(2);
  if (!file || !shotsArg)
    throw new Error('usage: writeBackLoop <project.json> <shots> <write-backs> [marker]');
  const shots = Number(shotsArg);
  const limit = Number(limitArg ?? 0);
  const writer = new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
  process.stdout.write('ready\n');
  for (let i = 0; limit === 0 || i < limit; i++) {
    const { shotId, record } = recordFor(i, shots);
    writer.set(shotId, record);
    const report = await writer.flush();
    if (report.blocked || report.written.length !== 1) {
      process.stderr.write(`write-back ${i} failed: ${report.blocked ?? JSON.stringify(report)}\n`);
      process.exit(3);
    }
  }
  if (marker) writeFileSync(marker, 'done');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(4);
  });
}
