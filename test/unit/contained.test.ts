// The one mechanism every writer uses: folders checked by real path and created one level at a time,
// and a file's own name never followed — a link there is replaced (atomic writes, appends) or read as
// absent, and its target is never opened.
import assert from 'node:assert/strict';
import { closeSync, promises as fs, writeSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/core/util/atomicWrite';
import {
  containedDir,
  isInside,
  openStateFileForAppend,
  readStateFile,
  stateRootOf,
} from '../../src/core/util/contained';
import { DailiesError } from '../../src/core/util/errors';
import { tempDir } from '../helpers/tempProject';

const code = (c: string) => (err: unknown) => err instanceof DailiesError && err.code === c;

describe('contained writes', () => {
  let base: string;
  let root: string;
  let outside: string;
  before(async () => {
    base = tempDir();
    root = path.join(base, 'prod');
    outside = path.join(base, 'outside');
    await fs.mkdir(path.join(root, '.dailies'), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'target.json'), 'outside bytes');
  });
  after(() => fs.rm(base, { recursive: true, force: true }));

  it('tells inside from outside by whole segments', () => {
    assert.ok(isInside(root, path.join(root, '..cache', 'a.png')));
    assert.ok(isInside(root, root));
    assert.ok(!isInside(root, path.join(root, '..', 'outside')));
    assert.ok(!isInside(root, outside));
    assert.equal(stateRootOf(path.join(root, '.dailies', 'store', 'ab', 'x.png')), root);
    assert.equal(stateRootOf(path.join(root, 'renders', 'x.png')), undefined);
  });

  it('creates missing folders level by level, follows links that stay inside, refuses ones that leave', async () => {
    const made = await containedDir(root, path.join(root, 'a', 'b', 'c'));
    assert.equal(made, path.join(await fs.realpath(root), 'a', 'b', 'c'));
    await fs.symlink(path.join(root, 'a'), path.join(root, 'in'));
    assert.equal(
      await containedDir(root, path.join(root, 'in', 'b')),
      path.join(await fs.realpath(root), 'a', 'b'),
    );
    await fs.symlink(outside, path.join(root, 'out'));
    await assert.rejects(containedDir(root, path.join(root, 'out', 'x')), code('path-escape'));
    assert.deepEqual((await fs.readdir(outside)).sort(), ['target.json'], 'nothing created outside');
    await fs.writeFile(path.join(root, 'afile'), '');
    await assert.rejects(containedDir(root, path.join(root, 'afile', 'x')), code('path-invalid'));
    await assert.rejects(containedDir(root, path.join(base, 'elsewhere')), code('path-escape'));
  });

  it('an atomic write replaces a link at its name; the link target is untouched', async () => {
    const file = path.join(root, '.dailies', 'metrics.json');
    await fs.symlink(path.join(outside, 'target.json'), file);
    await writeFileAtomic(file, '{"mine":true}');
    assert.equal(await fs.readFile(path.join(outside, 'target.json'), 'utf8'), 'outside bytes');
    assert.ok((await fs.lstat(file)).isFile());
    assert.equal(await fs.readFile(file, 'utf8'), '{"mine":true}');
  });

  it('an append never goes through a link: the link is replaced by a file of Dailies’ own', async () => {
    const file = path.join(root, '.dailies', 'journal.jsonl');
    await fs.symlink(path.join(outside, 'target.json'), file);
    const fd = openStateFileForAppend(file);
    writeSync(fd, 'line\n');
    closeSync(fd);
    assert.equal(await fs.readFile(path.join(outside, 'target.json'), 'utf8'), 'outside bytes');
    assert.equal(await fs.readFile(file, 'utf8'), 'line\n');
  });

  it('a state file that is a link reads as absent', async () => {
    const file = path.join(root, '.dailies', 'uploads.json');
    await fs.symlink(path.join(outside, 'target.json'), file);
    assert.equal(await readStateFile(file), undefined);
    assert.equal(await readStateFile(path.join(root, '.dailies', 'none.json')), undefined);
    await fs.rm(file);
    await fs.writeFile(file, 'own');
    assert.equal((await readStateFile(file))?.toString(), 'own');
  });

  it('state under a .dailies/ that links outside is refused, not written', async () => {
    const other = path.join(base, 'other');
    await fs.mkdir(other);
    await fs.symlink(outside, path.join(other, '.dailies'));
    await assert.rejects(writeFileAtomic(path.join(other, '.dailies', 'x.json'), '{}'), code('path-escape'));
    assert.throws(() => openStateFileForAppend(path.join(other, '.dailies', 'j.jsonl')), code('path-escape'));
    assert.deepEqual((await fs.readdir(outside)).sort(), ['target.json']);
  });
});
