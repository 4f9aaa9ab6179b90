// The write-back's comparison runs while its new file is written and fsynced, and its check for a save
// lost in the replaced file runs after the flush returns. Each test lands another program's save (or a
// crash) at one exact step of a write, through the IO's test hooks, never by timing: no save is lost,
// no result is dropped, nothing half-written or temporary is left behind.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { type FileIdentity, parseProjectText } from '../../src/core/project/load';
import { FileProjectIO, ProjectWriter, type WriteSteps } from '../../src/core/project/write';
import { RenderEngine } from '../../src/core/render/engine';
import { FakeProvider } from '../helpers/fakeProvider';
import { draftRecord } from '../helpers/renderRecord';
import { createProject, simpleFiles, simpleProject, tempDir } from '../helpers/tempProject';

const record = draftRecord;

async function project(n = 12): Promise<string> {
  const file = path.join(tempDir(), 'project.json');
  const shots = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, prompt: `shot ${i}`, notes: '' }));
  await fs.writeFile(file, `{\n  // keep this comment\n  "shots": ${JSON.stringify(shots, null, 2)}\n}\n`);
  return file;
}

/** What a person's edit does to the text: a note on shot `i` (the same length when `sameSize`). */
function userEdit(text: string, i: number, sameSize = false): string {
  const from = `"prompt": "shot ${i}"`;
  assert.ok(text.includes(from), `shot ${i} is in the text`);
  return text.replace(from, sameSize ? `"prompt": "SHOT ${i}"` : `"prompt": "shot ${i}, by the user"`);
}

function writerOn(io: FileProjectIO): ProjectWriter {
  return new ProjectWriter(io, { validate: (t) => parseProjectText(t, io.file) });
}

/** A step that acts once (a retried write passes the same step again). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    await fn();
  };
}

/** The file is valid, holds `edited` (the user's text) and every record in `ids`; no temp file is left. */
async function assertKept(file: string, userMark: string, ids: number[]): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  const r = parseProjectText(text, file);
  assert.ok(r.ok, 'project.json is valid');
  assert.ok(text.includes(userMark), `the user's save (${userMark}) is in project.json`);
  assert.ok(text.includes('// keep this comment'));
  for (const i of ids)
    assert.ok(text.includes(record(i).inputHash), `the record of s${i} is in project.json`);
  assert.deepEqual(await temps(file), [], 'no staged temp file is left');
}

async function temps(file: string): Promise<string[]> {
  return (await fs.readdir(path.dirname(file))).filter((n) => n.startsWith('.dailies-tmp-'));
}

/** Saves like an editor that writes beside the file and renames over it (VS Code's atomic save, git). */
async function saveByRename(file: string, text: string): Promise<void> {
  const tmp = `${file}.editor-tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

describe('write-back races: the comparison runs while the new file is staged', () => {
  it('a save by rename between the comparison and our rename is kept, with our result on top', async () => {
    const file = await project();
    const io = new FileProjectIO(file, {
      steps: {
        compared: once(async () => saveByRename(file, userEdit(await fs.readFile(file, 'utf8'), 4))),
      },
    });
    const w = writerOn(io);
    w.set('s1', record(1));
    assert.deepEqual((await w.flush()).written, ['s1']);
    await w.settled();
    await assertKept(file, 'shot 4, by the user', [1]);
  });

  it('an in-place save while our new file is fsynced (after the comparison) is kept', async () => {
    const file = await project();
    let compared!: () => void;
    const wasCompared = new Promise<void>((r) => {
      compared = r;
    });
    const steps: WriteSteps = {
      compared: () => compared(),
      // Held until the old file has been compared, then saved over in place, before our fsync.
      beforeSync: once(async () => {
        await wasCompared;
        await fs.writeFile(file, userEdit(await fs.readFile(file, 'utf8'), 6));
      }),
    };
    const w = writerOn(new FileProjectIO(file, { steps }));
    w.set('s2', record(2));
    assert.deepEqual((await w.flush()).written, ['s2']);
    await w.settled();
    await assertKept(file, 'shot 6, by the user', [2]);
  });

  it('timestamps too coarse to show a same-size save in place: the bytes of the replaced file tell', async () => {
    const file = await project();
    // A file system whose timestamps did not move (one tick, or a 2 s FAT clock): only the inode counts.
    class CoarseIO extends FileProjectIO {
      protected override sameVersion(a: FileIdentity, b: FileIdentity): boolean {
        return a.dev === b.dev && a.ino === b.ino;
      }
    }
    const before = await fs.readFile(file, 'utf8');
    const io = new CoarseIO(file, {
      steps: {
        compared: once(async () => {
          const text = userEdit(await fs.readFile(file, 'utf8'), 3, true);
          assert.equal(Buffer.byteLength(text), Buffer.byteLength(before), 'the save keeps the size');
          const h = await fs.open(file, 'r+');
          await h.write(text, 0);
          await h.close();
        }),
      },
    });
    const w = writerOn(io);
    w.set('s5', record(5));
    assert.deepEqual((await w.flush()).written, ['s5']);
    await w.settled();
    await assertKept(file, '"prompt": "SHOT 3"', [5]);
  });
});

describe('write-back races: the lost-save check after the flush returns', () => {
  it('a save into the replaced file after our rename is redone on top; settled() and the next flush wait', async () => {
    const file = await project();
    let old: fs.FileHandle | undefined;
    let openGate!: (by: string) => void;
    let openedBy: string | undefined;
    const gate = new Promise<void>((r) => {
      openGate = (by) => {
        openedBy ??= by;
        r();
      };
    });
    // A generous deadline, only so that a check still on the flush's path fails this test, not hangs it.
    const fallback = setTimeout(() => openGate('the deadline'), 20_000);
    let compares = 0;
    let writtenBeforeTheCheck = false;
    const steps: WriteSteps = {
      // An editor that opened project.json before our rename (it holds the file we are replacing)…
      compared: async () => {
        if (++compares === 1) old = await fs.open(file, 'r+');
        else if (openedBy === undefined) writtenBeforeTheCheck = true;
      },
      // …and saves into it once our rename is done.
      renamed: once(async () => {
        await gate;
        const text = userEdit((await old!.readFile()).toString('utf8'), 7);
        await old!.truncate(0);
        await old!.write(text, 0);
        await old!.close();
      }),
    };
    const w = writerOn(new FileProjectIO(file, { steps }));
    w.set('s1', record(1));
    const report = await w.flush();
    assert.equal(openedBy, undefined, 'the flush returned before its lost-save check had looked');
    assert.deepEqual(report.written, ['s1']);
    let settled = false;
    const settling = w.settled().then(() => {
      settled = true;
    });
    w.set('s2', record(2));
    const next = w.flush();
    // Room for a next flush that would not wait to get as far as its write (a waiting one never does).
    await Promise.race([next, new Promise((r) => setTimeout(r, 200))]);
    assert.equal(writtenBeforeTheCheck, false, 'the next flush waits for the check before it writes');
    assert.equal(settled, false, 'settled() waits for the check');
    openGate('the test');
    clearTimeout(fallback);
    await settling;
    assert.deepEqual((await next).written, ['s2']);
    await w.settled();
    await assertKept(file, 'shot 7, by the user', [1, 2]);
  });
});

describe('write-back races: a render batch', () => {
  it('ends only once a save lost in its write has been redone on top', async () => {
    const p = await createProject(simpleProject(3), simpleFiles);
    const prompt = 'Shot number 2, a wide establishing frame';
    let old: fs.FileHandle | undefined;
    let compares = 0;
    let openGate!: (by: string) => void;
    const gate = new Promise<void>((r) => {
      openGate = () => r();
    });
    const io = new FileProjectIO(p.file, {
      steps: {
        compared: async () => {
          if (++compares === 1) old = await fs.open(p.file, 'r+');
        },
        // The save lands in the replaced file once the gate opens: at the end of the batch, or (for a
        // batch that waits for its check, so never gets there first) a moment after the rename.
        renamed: once(async () => {
          moment = setTimeout(() => openGate('a moment'), 500);
          await gate;
          const text = (await old!.readFile()).toString('utf8');
          assert.ok(text.includes(prompt));
          await old!.truncate(0);
          await old!.write(text.replace(prompt, 'Shot number 2, by the user'), 0);
          await old!.close();
        }),
      },
    });
    const engine = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({}),
      providers: { draft: new FakeProvider({ latencyMs: 0 }) },
      flushDelayMs: 60_000, // one write, at the end of the batch: the one whose check matters
      io,
    });
    engine.onEvent((e) => {
      if (e.type === 'batch-end') openGate('the end of the batch');
    });
    let moment: NodeJS.Timeout | undefined;
    try {
      const summary = await engine.render();
      assert.equal(summary.shots.rendered, 3);
      const text = await p.read();
      assert.ok(
        text.includes('Shot number 2, by the user'),
        'the lost save was redone before the batch ended',
      );
      const r = parseProjectText(text, p.file);
      assert.ok(r.ok);
      assert.equal(r.project.shots.filter((s) => s.render?.status === 'done').length, 3);
    } finally {
      clearTimeout(moment);
      await engine.dispose();
      await p.cleanup();
    }
  });
});

describe('write-back races: a crash in the middle', () => {
  for (const at of ['beforeSync', 'compared'] as const) {
    it(`an exception at ${at}: no temp file left, project.json untouched, the result written next time`, async () => {
      const file = await project();
      const before = await fs.readFile(file);
      let crash = true;
      const steps: WriteSteps = {
        [at]: () => {
          if (crash) throw new Error(`crash at ${at}`);
        },
      };
      const w = writerOn(new FileProjectIO(file, { steps }));
      w.set('s3', record(3));
      const report = await w.flush();
      assert.match(report.blocked ?? '', new RegExp(`crash at ${at}`));
      assert.deepEqual(await fs.readFile(file), before, 'project.json is byte for byte what it was');
      assert.deepEqual(await temps(file), [], 'no staged temp file is left');
      crash = false;
      assert.deepEqual((await w.flush()).written, ['s3'], 'the result was kept queued');
      await w.settled();
      assert.ok((await fs.readFile(file, 'utf8')).includes(record(3).inputHash));
    });
  }

  it('an exception in the lost-save check after the rename: the result is in the file and queued again', async () => {
    const file = await project();
    const w = writerOn(
      new FileProjectIO(file, {
        steps: {
          renamed: once(async () => {
            throw new Error('crash in the check');
          }),
        },
      }),
    );
    w.set('s4', record(4));
    assert.deepEqual((await w.flush()).written, ['s4']);
    await w.settled();
    assert.equal(w.pendingCount, 1, 'the record is queued again, since the check could not tell');
    assert.deepEqual((await w.flush()).written, ['s4']);
    await w.settled();
    const text = await fs.readFile(file, 'utf8');
    assert.ok(parseProjectText(text, file).ok);
    assert.ok(text.includes(record(4).inputHash));
    assert.deepEqual(await temps(file), []);
  });
});
