// The journal shared by several processes: each sees the others' lines, a compaction by one loses no line
// another is writing, and an append after a torn line (a writer killed or out of space) is still read.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Journal } from '../../src/core/render/journal';
import { tempDir } from '../helpers/tempProject';

const dirs: string[] = [];
const job = (key: string) => ({ key, shotId: key, variation: 1, provider: 'fal', model: 'm' });

function journalFile(): string {
  const dir = tempDir('dailies-journal-');
  dirs.push(dir);
  return path.join(dir, '.dailies', 'journal.jsonl');
}

afterEach(async () => {
  while (dirs.length) await fs.rm(dirs.pop()!, { recursive: true, force: true });
});

describe('journal across processes', () => {
  it("refresh takes in another writer's lines", async () => {
    const file = journalFile();
    const a = new Journal(file);
    const b = new Journal(file);
    await a.load();
    await b.load();
    b.submitted({ ...job('k1'), requestId: 'r1' });
    assert.equal(a.pending('k1'), undefined);
    await a.refresh();
    assert.equal(a.pending('k1')?.requestId, 'r1');
    b.output('k1', 'sha');
    await a.refresh();
    assert.equal(a.pending('k1'), undefined);
    a.close();
    b.close();
  });

  it("a compaction keeps another writer's pending jobs, and its later lines land in the new file", async () => {
    const file = journalFile();
    const a = new Journal(file);
    const b = new Journal(file);
    await a.load();
    await b.load();
    b.intent(job('k2')); // b's line: a has never read it
    a.submitted({ ...job('k3'), requestId: 'r3' });
    a.output('k3', 'sha');
    await a.compact();
    b.submitted({ ...job('k2'), requestId: 'r2' }); // b still holds the old file open
    b.charged('k2');
    const fresh = new Journal(file);
    await fresh.load();
    assert.equal(fresh.pending('k2')?.requestId, 'r2', "b's submit survived a's compaction");
    assert.equal(fresh.pending('k2')?.charged, true);
    assert.equal(fresh.pending('k3'), undefined);
    a.close();
    b.close();
  });

  it('a line appended after a torn one is read', async () => {
    const file = journalFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"t":"submit","key":"k4","requ');
    const j = new Journal(file);
    await j.load();
    j.intent(job('k5'));
    j.close();
    const fresh = new Journal(file);
    await fresh.load();
    assert.ok(fresh.pending('k5'), 'the intent written after the torn line is there');
  });

  it('a line that could not be written is not taken as written', async () => {
    const file = journalFile();
    await fs.mkdir(file, { recursive: true }); // a directory: every append fails
    const j = new Journal(file);
    await j.load();
    assert.throws(() => j.intent(job('k6')));
    assert.equal(j.pending('k6'), undefined);
  });
});
