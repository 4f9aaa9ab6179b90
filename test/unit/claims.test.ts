// Cross-process job claims on a real filesystem: exclusive creation, waiting on a live owner, taking over
// from a dead or silent one, heartbeats, and a symlink planted where a claim goes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Claims } from '../../src/core/render/claims';
import { tempDir } from '../helpers/tempProject';

const JOB = { shotId: 's1', variation: 1 };
const dirs: string[] = [];

function claimsDir(): string {
  const dir = tempDir('dailies-claims-');
  dirs.push(dir);
  return path.join(dir, '.dailies', 'claims');
}

async function plant(dir: string, key: string, owner: object, ageMs = 0): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${key}.json`);
  await fs.writeFile(file, JSON.stringify(owner));
  const then = new Date(Date.now() - ageMs);
  await fs.utimes(file, then, then);
  return file;
}

/** A pid that surely belongs to no live process: a child that has already exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
}

afterEach(async () => {
  while (dirs.length) await fs.rm(dirs.pop()!, { recursive: true, force: true });
});

describe('job claims', () => {
  it('one holder at a time; the next one gets it once it is released', async () => {
    const dir = claimsDir();
    const a = new Claims(dir);
    const b = new Claims(dir);
    const first = await a.tryAcquire('k1', JOB);
    assert.ok('claim' in first);
    const second = await b.tryAcquire('k1', JOB);
    assert.ok('heldBy' in second && second.heldBy?.pid === process.pid, 'b sees who holds it');
    await first.claim.release();
    assert.ok('claim' in (await b.tryAcquire('k1', JOB)));
  });

  it('a claim whose owner died on this host is taken over at once', async () => {
    const dir = claimsDir();
    await plant(dir, 'k2', { pid: deadPid(), host: (await import('node:os')).hostname(), token: 'dead' });
    const got = await new Claims(dir).tryAcquire('k2', JOB);
    assert.ok('claim' in got, 'taken over from a dead pid');
  });

  it('another host: held while its heartbeat is fresh, taken over once it is stale', async () => {
    const dir = claimsDir();
    const owner = { pid: 1, host: 'render-box-7', token: 'far' };
    await plant(dir, 'k3', owner, 1_000);
    const claims = new Claims(dir, { staleMs: 10_000 });
    const held = await claims.tryAcquire('k3', JOB);
    assert.ok('heldBy' in held && held.heldBy?.host === 'render-box-7');
    await plant(dir, 'k3', owner, 20_000);
    assert.ok('claim' in (await claims.tryAcquire('k3', JOB)), 'silent for longer than staleMs');
  });

  it('the heartbeat keeps a long job claimed past the stale age', async () => {
    const dir = claimsDir();
    const holder = new Claims(dir, { staleMs: 300, heartbeatMs: 50 });
    const got = await holder.tryAcquire('k4', JOB);
    assert.ok('claim' in got);
    await new Promise((r) => setTimeout(r, 900));
    // Same pid, so only the heartbeat can tell it is alive.
    const other = await new Claims(dir, { staleMs: 300 }).tryAcquire('k4', JOB);
    assert.ok('heldBy' in other, 'still held: its mtime was kept fresh');
    await got.claim.release();
  });

  it('an empty claim (its writer mid-write) is respected while young', async () => {
    const dir = claimsDir();
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'k5.json'), '');
    const held = await new Claims(dir, { staleMs: 5_000 }).tryAcquire('k5', JOB);
    assert.ok('heldBy' in held);
  });

  it('never writes through a symlink planted where a claim goes', async () => {
    const dir = claimsDir();
    await fs.mkdir(dir, { recursive: true });
    const outside = path.join(path.dirname(path.dirname(dir)), 'outside.txt');
    await fs.writeFile(outside, 'precious');
    await fs.symlink(outside, path.join(dir, 'k6.json'));
    const then = new Date(Date.now() - 60_000);
    await fs.lutimes(path.join(dir, 'k6.json'), then, then);
    const got = await new Claims(dir, { staleMs: 1_000 }).tryAcquire('k6', JOB);
    assert.ok('claim' in got, 'the stale link was replaced by a real claim');
    assert.equal(await fs.readFile(outside, 'utf8'), 'precious');
    assert.ok((await fs.lstat(path.join(dir, 'k6.json'))).isFile());
  });

  it('a holder can tell it lost its claim (taken over while it was frozen)', async () => {
    const dir = claimsDir();
    const got = await new Claims(dir).tryAcquire('k7', JOB);
    assert.ok('claim' in got);
    assert.equal(await got.claim.isHeld(), true);
    await plant(dir, 'k7', { pid: 1, host: 'render-box-7', token: 'thief' });
    assert.equal(await got.claim.isHeld(), false);
    await got.claim.release();
    assert.ok(
      (await fs.readFile(path.join(dir, 'k7.json'), 'utf8')).includes('thief'),
      "release leaves the new owner's claim alone",
    );
  });
});
