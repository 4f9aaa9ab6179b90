import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import type { RenderRecord } from '../../src/core/project/schema';
import { FileProjectIO, type ProjectIO, ProjectWriter, RopeText, textOf } from '../../src/core/project/write';
import { draftRecord } from '../helpers/renderRecord';
import { tempDir } from '../helpers/tempProject';

const record = draftRecord;

async function project(n: number, prompt = 'shot'): Promise<string> {
  const dir = tempDir();
  const file = path.join(dir, 'project.json');
  const shots = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, prompt: `${prompt} ${i}`, notes: '' }));
  await fs.writeFile(
    file,
    `{\n  // keep this comment\n  "shots": ${JSON.stringify(shots, null, 2).replace(/\n/g, '\n  ')}\n}\n`,
  );
  return file;
}

function writer(file: string) {
  return new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
}

describe('ProjectWriter', () => {
  it('records results, keeps the comment, and never writes an invalid file', async () => {
    const file = await project(3);
    const w = writer(file);
    w.set('s1', record(1));
    w.set('s2', record(2));
    const report = await w.flush();
    assert.deepEqual(report.written.sort(), ['s1', 's2']);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(text.includes('// keep this comment'));
    const r = parseProjectText(text, file);
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.project.shots[1]!.render!.inputHash, record(1).inputHash);
  });

  it('holds results while the user’s file is broken, and writes them once it is fixed', async () => {
    const file = await project(2);
    const good = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, good.replace('"shots": [', '"shots": [[')); // mid-edit, invalid
    const w = writer(file);
    w.set('s0', record(0));
    const blocked = await w.flush();
    assert.match(blocked.blocked ?? '', /not valid right now/);
    assert.equal(
      await fs.readFile(file, 'utf8'),
      good.replace('"shots": [', '"shots": [['),
      'the broken file is untouched',
    );
    await fs.writeFile(file, good);
    const report = await w.flush();
    assert.deepEqual(report.written, ['s0']);
  });

  it('reports shots the user deleted meanwhile, without failing', async () => {
    const file = await project(2);
    const w = writer(file);
    w.set('gone', record(9));
    w.set('s0', record(0));
    const report = await w.flush();
    assert.deepEqual(report.missing, ['gone']);
    assert.deepEqual(report.written, ['s0']);
  });

  it('loses neither user edits nor results while another process edits the file in a loop', async () => {
    const n = 40;
    const file = await project(n);
    const editor = fork(path.join(__dirname, '..', 'helpers', 'userEditor.ts'), [file, '60'], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    const w = writer(file);
    const reconciled = new Map<string, RenderRecord>();
    for (let i = 0; i < n; i++) {
      w.set(`s${i}`, record(i));
      reconciled.set(`s${i}`, record(i));
      if (i % 4 === 3) await w.flush();
      await new Promise((r) => setTimeout(r, 25));
    }
    await w.flush();
    const code = await new Promise<number | null>((resolve) => editor.on('exit', (c) => resolve(c)));
    assert.equal(code, 0, 'the editing process finished cleanly');
    // The editor does read-modify-write without our lock, like any text editor; whatever it clobbered
    // is put back by reconcile (what the engine does at the end of every batch).
    for (let round = 0; round < 3 && (await w.reconcile(reconciled)) > 0; round++) await w.flush();
    const text = await fs.readFile(file, 'utf8');
    const r = parseProjectText(text, file);
    assert.ok(r.ok, 'the file is valid');
    if (!r.ok) return;
    for (let i = 0; i < n; i++)
      assert.equal(r.project.shots[i]!.render?.inputHash, record(i).inputHash, `result of s${i}`);
    const notes = r.project.shots.map((s) => s.notes ?? '').join('');
    for (let k = 0; k < 60; k++) assert.ok(notes.includes(`[edit ${k}]`), `user edit ${k} survived`);
    assert.ok(text.includes('// keep this comment'));
  });
});

/** Counts what a flush costs: full validations and full reads of the file. */
function counted(file: string, io: FileProjectIO = new FileProjectIO(file)) {
  const counts = { validations: 0, reads: 0 };
  const spy: ProjectIO = {
    withLock: (fn) => io.withLock(fn),
    read: () => {
      counts.reads++;
      return io.read();
    },
    // (optional chaining so the same test runs against an IO that cannot tell)
    known: async () => io.known?.(),
    write: (before, after) => io.write(before, after),
  };
  const w = new ProjectWriter(spy, {
    validate: (t) => {
      counts.validations++;
      return parseProjectText(t, file);
    },
  });
  return { w, counts };
}

describe('ProjectWriter at scale', () => {
  it('on an unchanged file, a flush neither re-reads nor re-validates the whole text', async () => {
    const file = await project(200);
    const { w, counts } = counted(file);
    w.set('s0', record(0));
    assert.deepEqual((await w.flush()).written, ['s0']);
    const first = { ...counts };
    for (let i = 1; i <= 5; i++) {
      w.set(`s${i * 30}`, record(i));
      assert.deepEqual((await w.flush()).written, [`s${i * 30}`]);
    }
    assert.equal(counts.reads, first.reads, 'no flush after the first re-read the file');
    assert.equal(counts.validations, first.validations, 'no flush after the first validated the whole file');
    const r = parseProjectText(await fs.readFile(file, 'utf8'), file);
    assert.ok(r.ok);
    if (r.ok)
      for (let i = 1; i <= 5; i++)
        assert.equal(r.project.shots[i * 30]!.render?.inputHash, record(i).inputHash);
  });

  it('a save between two flushes is read, kept and validated again', async () => {
    const file = await project(20);
    const { w, counts } = counted(file);
    w.set('s0', record(0));
    await w.flush();
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('"prompt": "shot 7"', '"prompt": "shot 7, rewritten"'));
    const validations = counts.validations;
    w.set('s1', record(1));
    assert.deepEqual((await w.flush()).written, ['s1']);
    assert.ok(counts.validations > validations, 'a changed file is validated in full');
    const after = await fs.readFile(file, 'utf8');
    assert.ok(after.includes('"prompt": "shot 7, rewritten"'), 'the save is kept');
    assert.ok(after.includes(record(1).inputHash));
  });

  it('never trusts a remembered text over the file: a same-size save the stat missed is not lost', async () => {
    const file = await project(20);
    // Coarse timestamps can hide a quick same-size save from the stat; pretend they always do.
    class BlindIO extends FileProjectIO {
      override async known(): Promise<string | undefined> {
        return (this as unknown as { last?: { text: string } }).last?.text;
      }
    }
    const { w } = counted(file, new BlindIO(file));
    w.set('s0', record(0));
    await w.flush();
    const text = await fs.readFile(file, 'utf8');
    const edited = text.replace('"prompt": "shot 5"', '"prompt": "SHOT 5"');
    assert.equal(edited.length, text.length);
    await fs.writeFile(file, edited);
    w.set('s1', record(1));
    assert.deepEqual((await w.flush()).written, ['s1']);
    const after = await fs.readFile(file, 'utf8');
    assert.ok(after.includes('"prompt": "SHOT 5"'), 'the user’s save survived');
    assert.ok(after.includes(record(1).inputHash) && after.includes(record(0).inputHash));
  });

  it('still refuses to write a record the schema rejects when it checks only the edited shot', async () => {
    const file = await project(5);
    const { w } = counted(file);
    w.set('s0', record(0));
    await w.flush();
    const before = await fs.readFile(file, 'utf8');
    w.set('s1', { ...record(1), inputHash: 'not-a-hash' });
    const report = await w.flush();
    assert.match(report.blocked ?? '', /refusing to write an invalid project\.json/);
    assert.equal(await fs.readFile(file, 'utf8'), before, 'nothing was written');
  });

  it('removes a record and records into shots written on one line, in the fast path too', async () => {
    const file = await project(3);
    await fs.writeFile(
      file,
      (await fs.readFile(file, 'utf8')).replace(
        /\{\s*"id": "s2",\s*"prompt": "shot 2",\s*"notes": ""\s*\}/,
        '{ "id": "s2", "prompt": "shot 2" }',
      ),
    );
    const { w } = counted(file);
    w.set('s0', record(0));
    await w.flush();
    w.set('s2', record(2));
    w.set('s0', undefined);
    assert.deepEqual((await w.flush()).written.sort(), ['s0', 's2']);
    const r = parseProjectText(await fs.readFile(file, 'utf8'), file);
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.project.shots[0]!.render, undefined);
    assert.equal(r.project.shots[2]!.render?.inputHash, record(2).inputHash);
    assert.match(await fs.readFile(file, 'utf8'), /\{ "id": "s2", "prompt": "shot 2", "render": \{"status"/);
  });
});

describe('ProjectWriter bytes', () => {
  it('splices ASCII edits into the remembered bytes exactly as encoding the edited text would', async () => {
    const { RopeText } = await import('../../src/core/project/ropeText');
    const { applyEdits } = await import('../../src/core/project/edit');
    const spliceBytes = (bytes: Buffer, edits: { offset: number; length: number; content: string }[]) =>
      Buffer.concat(RopeText.of(bytes)!.edited(edits)!.pieces);
    const text = '{"a": 1, "b": [1, 2, 3], "c": "xyz"}';
    const edits = [
      { offset: 6, length: 1, content: '{"n": 2}' },
      { offset: 30, length: 5, content: '"' },
      { offset: 0, length: 0, content: ' ' },
    ];
    assert.deepEqual(spliceBytes(Buffer.from(text), edits), Buffer.from(applyEdits(text, edits)));
    assert.throws(() => spliceBytes(Buffer.from(text), [edits[0]!, { offset: 6, length: 2, content: '' }]));
  });

  it('keeps a file with non-ASCII text byte-exact over many fast-path flushes', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'project.json');
    const shots = Array.from({ length: 6 }, (_, i) => ({
      id: `s${i}`,
      prompt: `le café n°${i} — ☕`,
      notes: '',
    }));
    const original = `{\n  "title": "Épisode ½",\n  "shots": ${JSON.stringify(shots, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
    await fs.writeFile(file, original);
    const w = writer(file);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 6; i++) {
        w.set(`s${i}`, {
          ...record(i + round * 10),
          outputs: [{ variation: 1, image: `renders/café/s${i}.jpg` }],
        });
        await w.flush();
      }
    }
    const bytes = await fs.readFile(file);
    const text = bytes.toString('utf8');
    assert.deepEqual(Buffer.from(text, 'utf8'), bytes, 'valid UTF-8');
    const r = parseProjectText(text, file);
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.project.title, 'Épisode ½');
    assert.equal(r.project.shots[5]!.prompt, 'le café n°5 — ☕');
    assert.equal(r.project.shots[5]!.render?.outputs[0]?.image, 'renders/café/s5.jpg');
    assert.equal(r.project.shots[5]!.render?.inputHash, record(25).inputHash);
  });
  it('an ASCII file edited from its bytes stays exact when a record brings non-ASCII text, and after', async () => {
    const file = await project(4);
    const w = writer(file);
    w.set('s0', record(0));
    await w.flush(); // ASCII in, ASCII out: the text is made from the spliced bytes
    w.set('s1', { ...record(1), outputs: [{ variation: 1, image: 'renders/café ☕/s1.jpg' }] });
    await w.flush(); // non-ASCII content: the string path, encoded as UTF-8
    w.set('s2', record(2));
    w.set('s0', { ...record(10), outputs: [{ variation: 1, image: 'renders/s0.jpg' }] });
    await w.flush(); // a non-ASCII file now: never decoded or spliced as latin1
    const bytes = await fs.readFile(file);
    const text = bytes.toString('utf8');
    assert.deepEqual(Buffer.from(text, 'utf8'), bytes, 'valid UTF-8');
    const r = parseProjectText(text, file);
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.project.shots[1]!.render?.outputs[0]?.image, 'renders/café ☕/s1.jpg');
    assert.equal(r.project.shots[0]!.render?.inputHash, record(10).inputHash);
    assert.equal(r.project.shots[2]!.render?.inputHash, record(2).inputHash);
    assert.equal(r.project.shots[3]!.render, undefined);
    // What the writer remembers is what the file holds: a fresh writer's flush builds on the same text.
    const fresh = writer(file);
    fresh.set('s3', record(3));
    await fresh.flush();
    const again = parseProjectText(await fs.readFile(file, 'utf8'), file);
    assert.ok(again.ok && again.project.shots[1]!.render?.outputs[0]?.image === 'renders/café ☕/s1.jpg');
  });
});

/** The same writer on a string held in memory: every flush reads it whole and edits it as a string. */
function stringWriter(text: string) {
  const io = {
    text,
    withLock: <T>(fn: () => Promise<T>) => fn(),
    read: async () => io.text,
    write: async (before: string | RopeText, after: string | RopeText) => {
      if (textOf(before) !== io.text) return { ok: false as const, current: io.text };
      io.text = textOf(after);
      return { ok: true as const };
    },
  };
  return { io, w: new ProjectWriter(io, { validate: (t) => parseProjectText(t, 'mem.json') }) };
}

describe('ProjectWriter pieces', () => {
  it('a long run of flushes writes what editing the whole string writes, byte for byte', async () => {
    const file = await project(30);
    const io = new FileProjectIO(file);
    const w = new ProjectWriter(io, { validate: (t) => parseProjectText(t, file) });
    const model = stringWriter(await fs.readFile(file, 'utf8'));
    // Two records a flush: four new pieces or more, so the pieces are joined again several times.
    for (let k = 0; k < 160; k++) {
      for (const i of [(k * 7) % 30, (k * 11 + 3) % 30]) {
        const rec = { ...record(i + k * 100), ...(k % 5 === 0 ? { seed: k } : {}) };
        w.set(`s${i}`, rec);
        model.w.set(`s${i}`, rec);
      }
      if (k === 80) {
        w.set('s5', undefined);
        model.w.set('s5', undefined);
      }
      assert.equal((await w.flush()).written.length, (await model.w.flush()).written.length);
    }
    assert.equal(await fs.readFile(file, 'utf8'), model.io.text);
    const held = (io as unknown as { last: { bytes: RopeText } }).last.bytes;
    assert.ok(held.pieces.length <= 256, `the pieces were joined again (${held.pieces.length})`);
    assert.equal(textOf(held), model.io.text);
  });

  for (const [kind, prompt] of [
    ['ASCII', 'shot'],
    ['UTF-8', 'café — ‘night’ 😀'],
  ] as const)
    it(`a flush on an unchanged ${kind} file neither joins nor decodes the whole text`, async () => {
      const file = await project(200, prompt);
      let joined = 0;
      const original = RopeText.prototype.toString;
      RopeText.prototype.toString = function (this: RopeText) {
        joined++;
        return original.call(this);
      };
      try {
        const io = new FileProjectIO(file);
        const written: unknown[] = [];
        const spy: ProjectIO = {
          withLock: (fn) => io.withLock(fn),
          read: () => io.read(),
          known: () => io.known(),
          applied: (base, edits) => io.applied(base, edits),
          write: (before, after, edits) => {
            written.push(after);
            return io.write(before, after, edits);
          },
        };
        const w = new ProjectWriter(spy, { validate: (t) => parseProjectText(t, file) });
        w.trust(await spy.read()); // as the engine does with the text it loaded
        for (let i = 0; i < 6; i++) {
          // a result with non-ASCII in it too (an error message with a dash)
          w.set(
            `s${i * 30}`,
            i === 3 ? { ...record(i), status: 'failed', error: `${prompt} — refused` } : record(i),
          );
          assert.deepEqual((await w.flush()).written, [`s${i * 30}`]);
        }
        assert.equal(joined, 0, 'no flush made the whole text a string');
        assert.ok(
          written.every((t) => t instanceof RopeText),
          'every write got the text in pieces',
        );
      } finally {
        RopeText.prototype.toString = original;
      }
      const r = parseProjectText(await fs.readFile(file, 'utf8'), file);
      assert.ok(r.ok && r.project.shots[150]!.render?.inputHash === record(5).inputHash);
      assert.equal(r.ok && r.project.shots[90]!.render?.error, `${prompt} — refused`);
      assert.equal(r.ok && r.project.shots[199]!.prompt, `${prompt} 199`);
    });
});

describe('fileHolds', () => {
  it('tells our own write from any other text, byte for byte, without blocking on a FIFO', async () => {
    const { fileHolds } = await import('../../src/core/project/write');
    const dir = tempDir();
    const file = path.join(dir, 'project.json');
    const text = `{"shots": [${'{"id": "a"},'.repeat(3000)}{"id": "z"}]}`;
    await fs.writeFile(file, text);
    const rope = RopeText.of(Buffer.from(text))!.edited([{ offset: 12, length: 1, content: 'b' }])!;
    assert.equal(await fileHolds(file, rope), false, 'one byte differs');
    await fs.writeFile(file, textOf(rope));
    assert.equal(await fileHolds(file, rope), true);
    assert.equal(await fileHolds(file, textOf(rope)), true, 'a string is compared as its UTF-8 bytes');
    const last = Buffer.from(textOf(rope));
    last[last.length - 2] = 0x20;
    await fs.writeFile(file, last);
    assert.equal(await fileHolds(file, rope), false, 'the last bytes count too');
    assert.equal(await fileHolds(path.join(dir, 'gone.json'), rope), false);
    const fifo = path.join(dir, 'fifo.json');
    if (process.platform !== 'win32') {
      const { execFileSync } = await import('node:child_process');
      execFileSync('mkfifo', [fifo]);
      assert.equal(await fileHolds(fifo, rope), false, 'a FIFO is not opened');
    }
  });
});

describe('ProjectWriter.reconcile', () => {
  it('re-queues exactly the records a save wiped, and nothing once they are back', async () => {
    const file = await project(30);
    const pristine = await fs.readFile(file, 'utf8');
    const w = writer(file);
    const expected = new Map<string, RenderRecord>();
    for (let i = 0; i < 30; i++) {
      w.set(`s${i}`, record(i));
      expected.set(`s${i}`, record(i));
    }
    await w.flush();
    assert.equal(await w.reconcile(expected), 0, 'all there');
    // A save based on the text before the flush, with s7's record kept by hand.
    const withS7 = (await fs.readFile(file, 'utf8')).match(
      /"id": "s7",[\s\S]*?"render": (\{[\s\S]*?\n {6}\})/,
    )![1]!;
    await fs.writeFile(
      file,
      pristine.replace('"prompt": "shot 7",', `"prompt": "shot 7",\n      "render": ${withS7},`),
    );
    assert.equal(await w.reconcile(expected), 29, 'every wiped record, not the one kept');
    await w.flush();
    assert.equal(await w.reconcile(expected), 0);
    const r = parseProjectText(await fs.readFile(file, 'utf8'), file);
    assert.ok(r.ok && r.project.shots.every((s, i) => s.render?.inputHash === record(i).inputHash));
  });
});
