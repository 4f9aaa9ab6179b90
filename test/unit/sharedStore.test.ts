// The team's folder store on a share: an object someone damaged (a torn copy, a tool that rewrote it)
// is replaced by the next machine that has the right bytes, instead of being trusted for its name.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FolderStore, objectName } from '../../src/core/team/sharedStore';
import { sha256 } from '../../src/core/util/hash';
import { tempDir } from '../helpers/tempProject';

const DATA = Buffer.from('the frame a worker rendered, byte for byte');
const DIGEST = sha256(DATA);

async function planted(bytes: Buffer): Promise<{ store: FolderStore; file: string }> {
  const root = tempDir('dailies-shared-');
  const file = path.join(root, objectName(DIGEST, 'png'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return { store: new FolderStore(root), file };
}

describe('folder shared store', () => {
  it('a put over a torn object (shorter than the data) replaces it', async () => {
    const { store, file } = await planted(DATA.subarray(0, 10));
    assert.equal(await store.get(DIGEST, 'png'), undefined, 'a torn object reads as missing');
    await store.put(DIGEST, 'png', DATA);
    assert.deepEqual(await store.get(DIGEST, 'png'), DATA);
    assert.deepEqual(await fs.readFile(file), DATA);
  });

  it('a put over an object of the same size with other bytes replaces it', async () => {
    const other = Buffer.from(DATA);
    other.writeUInt8(other.readUInt8(5) ^ 0xff, 5);
    const { store } = await planted(other);
    await store.put(DIGEST, 'png', DATA);
    assert.deepEqual(await store.get(DIGEST, 'png'), DATA);
  });

  it('a put of bytes that are not the digest is refused and leaves a sound object alone', async () => {
    const { store, file } = await planted(DATA);
    await assert.rejects(store.put(DIGEST, 'png', Buffer.from('something else')), /not the content/);
    assert.deepEqual(await fs.readFile(file), DATA);
  });

  it('a sound object is left as it is (no rewrite: same inode)', async () => {
    const { store, file } = await planted(DATA);
    const before = await fs.stat(file);
    await store.put(DIGEST, 'png', DATA);
    assert.equal((await fs.stat(file)).ino, before.ino);
  });
});
