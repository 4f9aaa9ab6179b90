// Compaction rewrites the journal (temp file, fsync, rename) to drop settled jobs. A journal with nothing
// to drop must be left as it is: every run (a no-op re-run too) compacts at its end and again on dispose,
// and two fsynced rewrites of an unchanged file were most of a no-op's time spent waiting.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Journal } from '../../src/core/render/journal';
import { tempDir } from '../helpers/tempProject';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await fs.rm(dirs.pop()!, { recursive: true, force: true });
});

async function journalFile(): Promise<string> {
  const dir = tempDir();
  dirs.push(dir);
  await fs.mkdir(path.join(dir, '.dailies'));
  return path.join(dir, '.dailies', 'journal.jsonl');
}

const job = (key: string) => ({ key, provider: 'fal', model: 'm', shotId: key, variation: 1 });

describe('Journal.compact', () => {
  it('leaves a journal with nothing to drop untouched (same file), empty or not', async () => {
    const file = await journalFile();
    const j = new Journal(file);
    await j.load();
    await j.compact();
    const empty = await fs.stat(file);
    await j.compact();
    assert.equal((await fs.stat(file)).ino, empty.ino, 'an empty journal is not rewritten');
    j.intent(job('a'));
    await j.compact(); // in compact form now
    const compacted = await fs.stat(file);
    const text = await fs.readFile(file, 'utf8');
    await j.compact();
    assert.equal((await fs.stat(file)).ino, compacted.ino, 'a compact journal is not rewritten');
    assert.equal(await fs.readFile(file, 'utf8'), text);
    j.close();
  });

  it('still drops settled jobs and keeps the unsettled ones', async () => {
    const file = await journalFile();
    const j = new Journal(file);
    await j.load();
    j.intent(job('a'));
    j.intent(job('b'));
    j.abandon('a', 'test');
    await j.compact();
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).key),
      ['b'],
    );
    const fresh = new Journal(file);
    await fresh.load();
    assert.equal(fresh.pending('a'), undefined);
    assert.equal(fresh.pending('b')?.shotId, 'b');
    j.close();
    fresh.close();
  });
});
