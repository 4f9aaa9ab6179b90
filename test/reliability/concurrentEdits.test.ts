// project.json changes while results land: a person saving in a loop, a git checkout replacing the file,
// another Dailies process recording its own results. No user edit lost, no result lost, never invalid.
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { parseProjectText } from '../../src/core/project/load';
import { DraftProvider } from '../../src/core/providers/draft';
import { RenderEngine } from '../../src/core/render/engine';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { createProject, type TempProject } from '../helpers/tempProject';

const CLI = BUILT_CLI;
const open: TempProject[] = [];

function project(n: number) {
  // `notes` right after `prompt` is what the editor stand-in edits (test/helpers/userEditor.ts).
  return {
    dailies: 1,
    shots: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, prompt: `shot ${i}`, notes: '', seed: i })),
  };
}

/** `gate` holds each shot's render until the test lets it finish. */
function engineFor(file: string, latencyMs = 120, gate?: (shotId: string) => Promise<void>) {
  const config = resolveConfig({ limits: { light: 4 }, draft: { latencyMs } });
  const draft = new DraftProvider(config.draft);
  if (gate) {
    const generate = draft.generate.bind(draft);
    draft.generate = async (request, ctx) => {
      await gate(request.shotId);
      return generate(request, ctx);
    };
  }
  return new RenderEngine({
    projectFile: file,
    config,
    providers: { draft },
    flushDelayMs: 50,
  });
}

async function valid(p: TempProject) {
  const r = parseProjectText(await p.read(), p.file);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.project;
}

afterEach(async () => {
  while (open.length) await open.pop()!.cleanup();
});

describe('concurrent edits during a batch', () => {
  before(() => {
    buildCli();
  });

  it('a person saving every 50–150 ms: every edit kept, every result recorded', async () => {
    const p = await createProject(project(40));
    open.push(p);
    const editor = fork(path.join(__dirname, '..', 'helpers', 'userEditor.ts'), [p.file, '60'], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    const editorDone = new Promise<number | null>((resolve) => editor.on('exit', (c) => resolve(c)));
    // Pace the batch by the edits, not by the clock: shot i of 40 may render only once the editor has
    // saved 60·i/39 times, so results land all through the editing and the last one after the last edit.
    let saved = 0;
    const waiters: (() => void)[] = [];
    editor.on('message', (m: { saved: number }) => {
      saved = m.saved;
      for (const w of waiters.splice(0)) w();
    });
    const editsBefore = (shotId: string) => Math.ceil((Number(shotId.slice(1)) * 60) / 39);
    const engine = engineFor(p.file, 0, async (shotId) => {
      while (saved < editsBefore(shotId)) await new Promise<void>((r) => waiters.push(r));
    });
    const summary = await engine.render();
    assert.equal(saved, 60, 'the batch ran until the last edit');
    assert.equal(await editorDone, 0);
    // A save that landed after the batch's last write may have been based on older text: the next
    // batch (here: a plan + render of nothing) reconciles, as the extension does on every file change.
    const again = await engine.render();
    await engine.dispose();
    assert.equal(summary.shots.rendered, 40);
    assert.equal(again.shots.rendered, 0, 'nothing had to be rendered twice');
    const proj = await valid(p);
    assert.equal(
      proj.shots.filter((s) => s.render?.status === 'done').length,
      40,
      'every result is recorded',
    );
    const notes = proj.shots.map((s) => s.notes ?? '').join('');
    for (let k = 0; k < 60; k++) assert.ok(notes.includes(`[edit ${k}]`), `user edit ${k} was lost`);
  });

  it('a git checkout replacing the file mid-batch: results land in the new file, the changed shot is stale', async () => {
    const p = await createProject(project(16));
    open.push(p);
    const engine = engineFor(p.file, 200);
    let switched = false;
    engine.onEvent((e) => {
      if (switched || e.type !== 'shot' || e.outcome !== 'rendered') return;
      switched = true;
      // What git does: write the other branch's version beside the file, rename it over.
      const other = project(16);
      other.shots[12]!.prompt = 'shot 12, rewritten on another branch';
      const tmp = `${p.file}.git-tmp`;
      void fs.writeFile(tmp, JSON.stringify(other, null, 4)).then(() => fs.rename(tmp, p.file));
    });
    const summary = await engine.render();
    await engine.dispose();
    assert.equal(summary.shots.rendered, 16);
    const proj = await valid(p);
    assert.equal(proj.shots[12]!.prompt, 'shot 12, rewritten on another branch', 'the checkout is kept');
    assert.ok(
      (await p.read()).includes('    "shots": ['),
      'the checked-out file keeps its own (4-space) formatting',
    );
    assert.equal(
      proj.shots.filter((s) => s.render).length,
      16,
      'every result is recorded in the checked-out file',
    );
    const replan = engineFor(p.file);
    const { shots } = await replan.plan();
    await replan.dispose();
    assert.equal(shots.find((s) => s.shot.id === 's12')!.freshness, 'stale');
    assert.equal(shots.filter((s) => s.freshness === 'fresh').length, 15);
  });

  it('another Dailies process rendering other shots of the same project at the same time', async () => {
    const p = await createProject(project(24));
    open.push(p);
    const ids = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `s${from + i}`).join(',');
    const other = spawn(process.execPath, [CLI, 'render', p.file, '--shots', ids(12, 24), '--quiet'], {
      env: { ...process.env, DAILIES_DRAFT_LATENCY_MS: '120' },
      stdio: 'ignore',
    });
    const otherDone = new Promise<number | null>((resolve) => other.on('exit', (c) => resolve(c)));
    const engine = engineFor(p.file);
    const mine = await engine.render({ shots: ids(0, 12).split(',') });
    await engine.dispose();
    assert.equal(await otherDone, 0);
    assert.equal(mine.shots.rendered, 12);
    const proj = await valid(p);
    assert.equal(
      proj.shots.filter((s) => s.render?.status === 'done').length,
      24,
      'both processes’ results are recorded',
    );
  });
});
