import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import type { RenderRecord } from '../../src/core/project/schema';
import { FileProjectIO, ProjectWriter } from '../../src/core/project/write';
import { tempDir } from '../helpers/tempProject';

function record(i: number): RenderRecord {
  return {
    status: 'done',
    inputHash: i.toString(16).padStart(64, '0'),
    provider: 'draft',
    model: 'draft/storyboard',
    outputs: [{ variation: 1, image: `renders/s${i}/s${i}_v1.jpg` }],
    renderedAt: new Date(1_800_000_000_000 + i).toISOString(),
  };
}

async function project(n: number): Promise<string> {
  const dir = tempDir();
  const file = path.join(dir, 'project.json');
  const shots = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, prompt: `shot ${i}`, notes: '' }));
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
