// Disk faults on a real filesystem: a small tmpfs nearly full, then remounted read-only. Shots that
// cannot be stored fail with a clear message, project.json is never left broken, and the engine recovers
// once space is back. Mounting needs root and a container that allows it (CI runs as root); elsewhere they are skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { parseProjectText } from '../../src/core/project/load';
import { DraftProvider } from '../../src/core/providers/draft';
import { RenderEngine } from '../../src/core/render/engine';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { cloudEngine, FAL_KEY } from '../helpers/cloud';
import { makeImage } from '../helpers/tempProject';

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

/** Root alone is not enough: a container may withhold CAP_SYS_ADMIN. Try it once. */
function tmpfsUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs';
  const probe = mkdtempSync(path.join(tmpdir(), 'dailies-mount-probe-'));
  try {
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe);
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return false;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  } finally {
    rmdirSync(probe);
  }
}

describe('disk faults', { skip: tmpfsUnavailable() }, () => {
  let dir: string;
  let file: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dailies-disk-'));
    mount('-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir);
    await makeImage(path.join(dir, 'refs', 'a.png'), { width: 200, height: 150 });
    file = path.join(dir, 'project.json');
    const shots = Array.from({ length: 12 }, (_, i) => ({
      id: `d${i}`,
      prompt: `disk shot ${i}`,
      seed: i,
      refs: ['refs/a.png'],
    }));
    await fs.writeFile(file, `${JSON.stringify({ dailies: 1, shots }, null, 2)}\n`);
  });
  after(() => {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // already unmounted
    }
  });

  const engine = () => {
    const config = resolveConfig({ retry: { attempts: 2, baseMs: 5, maxMs: 10 } });
    return new RenderEngine({
      projectFile: file,
      config,
      providers: { draft: new DraftProvider(config.draft) },
      flushDelayMs: 10,
    });
  };

  it('disk full: the shots that fit are recorded, the rest fail with "Disk full", nothing is corrupted; freeing space recovers', async () => {
    // Leave room for a few frames (each ~0.2–0.4 MB with its thumbnail and cached copy), not for twelve.
    const free = Number(execFileSync('df', ['--output=avail', '-B1', dir]).toString().split('\n')[1]);
    await fs.writeFile(path.join(dir, 'filler'), Buffer.alloc(Math.max(0, free - 400_000)));
    const first = engine();
    const s1 = await first.render();
    await first.dispose();
    assert.ok(s1.shots.failed > 0, 'some shots could not be stored');
    assert.ok(
      s1.errors.every((e) => /Disk full|no space|ENOSPC/i.test(e.message)),
      JSON.stringify(s1.errors.slice(0, 3)),
    );
    const text = await fs.readFile(file, 'utf8');
    const parsed = parseProjectText(text, file);
    assert.ok(parsed.ok, 'project.json is still valid');
    const leftovers = (await fs.readdir(dir)).filter((n) => n.startsWith('.dailies-tmp-'));
    assert.deepEqual(leftovers, [], 'no temp file left beside project.json');

    await fs.rm(path.join(dir, 'filler'));
    const second = engine();
    const s2 = await second.render();
    await second.dispose();
    assert.equal(s2.shots.failed, 0, JSON.stringify(s2.errors.slice(0, 3)));
    const done = parseProjectText(await fs.readFile(file, 'utf8'), file);
    assert.ok(done.ok && done.project.shots.every((s) => s.render?.status === 'done'));
  });

  it('read-only project folder: refused before any render (nothing paid for), clearly, nothing changes', async () => {
    const p = parseProjectText(await fs.readFile(file, 'utf8'), file);
    assert.ok(p.ok);
    // Make every shot stale again, then take the write permission away.
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace(/disk shot/g, 'read-only shot'));
    const before = await fs.readFile(file, 'utf8');
    mount('-o', 'remount,ro', dir);
    try {
      const e = engine();
      await assert.rejects(e.render(), /Cannot render into .*: it is read-only\. Nothing was rendered\./);
      await e.dispose();
      assert.equal(await fs.readFile(file, 'utf8'), before);
    } finally {
      mount('-o', 'remount,rw', dir);
    }
  });
});

// A paid render needs its intent on disk before the submit: with no room for that line, nothing is sent.
describe('a disk that is already full (paid provider)', { skip: tmpfsUnavailable() }, () => {
  let dir: string;
  let file: string;
  let fal: FalFake;
  const SHOTS = 4;

  before(async () => {
    fal = await startFalFake({ apiKey: FAL_KEY, stepMs: 2, steps: 3, queueMs: 5 });
    dir = mkdtempSync(path.join(tmpdir(), 'dailies-full-'));
    mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir);
    file = path.join(dir, 'project.json');
    const shots = Array.from({ length: SHOTS }, (_, i) => ({
      id: `f${i}`,
      prompt: `full disk shot ${i}`,
      seed: i,
      model: 'fal-ai/flux/schnell',
    }));
    await fs.writeFile(file, `${JSON.stringify({ dailies: 1, shots }, null, 2)}\n`);
  });
  after(async () => {
    await fal.close();
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // already unmounted
    }
  });

  /** Fills every last byte, so even a one-line append fails with ENOSPC. */
  async function fill(): Promise<void> {
    const filler = await fs.open(path.join(dir, 'filler'), 'w');
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (let size = chunk.length; size >= 1; ) {
        try {
          await filler.write(chunk.subarray(0, size));
        } catch {
          size = Math.floor(size / 2);
        }
      }
    } finally {
      await filler.close().catch(() => undefined);
    }
  }

  it('no intent on disk, no submit: each job fails with a disk error; after freeing space each shot is paid once', async () => {
    await fill();
    const first = cloudEngine(file, { fal });
    const s1 = await first.engine.render();
    await first.dispose();
    assert.equal(fal.count('submit'), 0, 'nothing was submitted without its intent on disk');
    assert.equal(s1.shots.failed, SHOTS);
    assert.ok(
      s1.errors.every((e) => e.code === 'disk'),
      JSON.stringify(s1.errors.slice(0, 3)),
    );
    assert.ok(parseProjectText(await fs.readFile(file, 'utf8'), file).ok, 'project.json is intact');

    await fs.rm(path.join(dir, 'filler'));
    const second = cloudEngine(file, { fal });
    const s2 = await second.engine.render();
    await second.dispose();
    assert.equal(s2.shots.failed, 0, JSON.stringify(s2.errors.slice(0, 3)));
    assert.equal(fal.count('submit'), SHOTS, 'each shot paid for once across both runs');
  });
});
