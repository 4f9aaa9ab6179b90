// project.json is staged from the pieces the write-back holds (one gathered write, never joined first):
// the staged file must be exactly those bytes, however many pieces, empty ones included.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { stageAtomicWrite } from '../../src/core/util/atomicWrite';
import { tempDir } from '../helpers/tempProject';

describe('stageAtomicWrite', () => {
  it('writes thousands of pieces (more than one gathered write takes), in order, byte for byte', async () => {
    const file = path.join(tempDir(), 'project.json');
    await fs.writeFile(file, 'old');
    const pieces = Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0 ? Buffer.alloc(0) : Buffer.from(`<${i}:${'x'.repeat(i % 50)}>`),
    );
    pieces.push(Buffer.alloc(300_000, 0x61)); // and a large one
    const staged = await stageAtomicWrite(file, pieces);
    assert.equal(await fs.readFile(file, 'utf8'), 'old', 'nothing replaced before commit');
    assert.deepEqual(await fs.readFile(staged.temp), Buffer.concat(pieces), 'the staged file');
    await staged.commit();
    assert.deepEqual(await fs.readFile(file), Buffer.concat(pieces));
    await assert.rejects(fs.stat(staged.temp), 'the temp file is gone');
  });
});
