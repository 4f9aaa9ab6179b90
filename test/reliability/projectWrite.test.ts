// project.json is replaced atomically (temp file + fsync + rename), never rewritten in place: another
// program reading it during write-backs never sees half a file, and a writer killed (SIGKILL) in the very
// middle of a write-back leaves the old file or the new one — valid, with every shot in it.
// The file is made large (a long comment) so a write takes long enough for a reader, or a kill, to land
// inside it; the kill is fired the instant project.json starts to change.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import { createProject, type TempProject } from '../helpers/tempProject';
import { recordFor } from '../helpers/writeBackLoop';

const SHOTS = 300;
const LOOP = path.join(__dirname, '..', 'helpers', 'writeBackLoop.ts');

function projectText(): string {
  const shots = Array.from({ length: SHOTS }, (_, i) => ({ id: `s${i}`, prompt: `shot ${i}`, seed: i }));
  // ~1.5 MB of the user's own notes: kept verbatim by every write-back, and slow enough to write.
  const notes = Array.from({ length: 20_000 }, (_, i) => `  // note ${i}: ${'lorem ipsum '.repeat(5)}`);
  return `{\n${notes.join('\n')}\n  "dailies": 1,\n  "shots": ${JSON.stringify(shots, null, 2)}\n}\n`;
}

/** Valid, and complete: every shot is there, and each recorded render is one the writer really wrote. */
function checkComplete(text: string, file: string, where: string): void {
  const r = parseProjectText(text, file);
  assert.ok(
    r.ok,
    `${where}: project.json is not valid (${text.length} bytes): ${r.ok ? '' : r.error.message}`,
  );
  const shots = r.project.shots;
  assert.equal(shots.length, SHOTS, `${where}: shots missing`);
  for (const s of shots) {
    if (!s.render) continue;
    const i = Math.round((Date.parse(s.render.renderedAt) - 1_700_000_000_000) / 1000);
    assert.deepEqual(s.render, recordFor(i, SHOTS).record, `${where}: ${s.id} holds a record never written`);
  }
  assert.ok(text.includes('// note 19999: '), `${where}: the user's comments are cut off`);
}

function startLoop(
  file: string,
  limit: number,
  marker?: string,
): { child: ChildProcess; stderr: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', LOOP, file, String(SHOTS), String(limit), ...(marker ? [marker] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  return { child, stderr: () => err };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error('the writer exited before it was ready')));
  });
}

describe('project.json write-back is atomic', () => {
  let p: TempProject;
  before(async () => {
    p = await createProject(projectText());
  });
  after(() => p.cleanup());

  it('another process reading project.json during 40 write-backs never sees a torn or invalid file', async () => {
    const marker = path.join(p.dir, 'writer-done');
    const writer = startLoop(p.file, 40, marker);
    const exited = once(writer.child, 'exit');
    await ready(writer.child);
    // Read as fast as possible until the writer says it is done: a file rewritten in place shows up here
    // empty or cut off. Synchronous on purpose: the reads must not wait for the event loop.
    let reads = 0;
    const seen = new Set<string>();
    const deadline = Date.now() + 300_000;
    while (!existsSync(marker)) {
      assert.ok(Date.now() < deadline, `the writer did not finish: ${writer.stderr()}`);
      const text = readFileSync(p.file, 'utf8');
      reads++;
      if (seen.has(text)) continue; // the same version again (nothing changed since the last read)
      checkComplete(text, p.file, `read ${reads}`);
      seen.add(text);
    }
    const [code] = await exited;
    assert.equal(code, 0, writer.stderr());
    assert.ok(seen.size > 1, 'the reader saw write-backs land');
    checkComplete(await p.read(), p.file, 'at the end');
  });

  it('a writer killed (SIGKILL) the instant project.json starts to change leaves it valid and complete', async () => {
    for (let kill = 0; kill < 5; kill++) {
      const writer = startLoop(p.file, 0);
      const exited = once(writer.child, 'exit');
      await ready(writer.child);
      const base = statSync(p.file, { bigint: true });
      const deadline = Date.now() + 120_000;
      // Busy-wait on purpose: the kill must land while the write is under way, not an event-loop turn later.
      for (;;) {
        const now = statSync(p.file, { bigint: true, throwIfNoEntry: false });
        if (!now || now.ino !== base.ino || now.size !== base.size || now.mtimeNs !== base.mtimeNs) break;
        assert.ok(Date.now() < deadline, `kill ${kill}: the writer never wrote: ${writer.stderr()}`);
      }
      writer.child.kill('SIGKILL');
      const [code, signal] = await exited;
      assert.equal(signal, 'SIGKILL', `kill ${kill}: the writer died by SIGKILL mid-batch (exit ${code})`);
      checkComplete(await p.read(), p.file, `after kill ${kill}`);
      // The lock a killed writer leaves goes stale after 10 s; the next writer need not wait for that here.
      await fs.rm(`${p.file}.lock`, { recursive: true, force: true });
    }
  });
});
