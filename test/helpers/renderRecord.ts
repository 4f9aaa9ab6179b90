// A finished draft render of shot `s<i>`, distinct per i (its input hash and time), as the write-back tests
// record them.
import type { RenderRecord } from '../../src/core/project/schema';

export function draftRecord(i: number): RenderRecord {
  return {
    status: 'done',
    inputHash: i.toString(16).padStart(64, '0'),
    provider: 'draft',
    model: 'draft/storyboard',
    outputs: [{ variation: 1, image: `renders/s${i}/s${i}_v1.jpg` }],
    renderedAt: new Date(1_800_000_000_000 + i).toISOString(),
  };
}
