// Refs are validated once, in core, and every consumer agrees: the plan (render) fails exactly the shots
// that send a bad ref, with the message the validation reports at the ref's own line:column.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { checkProjectFile } from '../../src/core/project/check';
import { RenderEngine } from '../../src/core/render/engine';
import { FakeProvider } from '../helpers/fakeProvider';
import { createProject, simpleFiles, type TempProject } from '../helpers/tempProject';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const TEXT = `{
  "dailies": 1,
  "cast": [
    { "id": "ann", "refs": ["cast/ann.png"] },
    { "id": "bo", "refs": ["../x.png"] },
    { "id": "cy", "refs": ["cast/notes.png"] },
    { "id": "unused", "refs": ["cast/gone.png"] }
  ],
  "scenes": [{ "id": "s1", "decor": ["decor/missing.jpg"] }],
  "shots": [
    { "id": "ok", "prompt": "fine", "cast": ["ann"] },
    { "id": "out", "prompt": "ref outside", "cast": ["bo"] },
    { "id": "text", "prompt": "not an image", "cast": ["cy"] },
    { "id": "nodecor", "prompt": "missing decor", "scene": "s1" },
    { "id": "own", "prompt": "own ref", "refs": ["renders/../cast/ann.png", "/etc/passwd"] }
  ]
}
`;

async function project(): Promise<TempProject> {
  const p = await createProject(TEXT, {
    'cast/ann.png': simpleFiles['cast/ann.png'],
    'cast/notes.png': 'these are my notes, not a picture',
  });
  cleanup.push(() => p.cleanup());
  return p;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('ref validation', () => {
  it('reports every bad ref at its own JSON path and line:column, used or not', async () => {
    const p = await project();
    const check = await checkProjectFile(p.file);
    assert.equal(check.valid, false);
    const refs = check.issues.filter((i) => i.code === 'ref');
    const by = new Map(refs.map((i) => [i.path, i]));
    assert.deepEqual([...by.keys()].sort(), [
      'cast[1].refs[0]',
      'cast[2].refs[0]',
      'cast[3].refs[0]',
      'scenes[0].decor[0]',
      'shots[4].refs[1]',
    ]);
    assert.match(by.get('cast[1].refs[0]')!.message, /leaves the project folder/);
    assert.match(by.get('cast[2].refs[0]')!.message, /not an image/);
    assert.match(by.get('cast[3].refs[0]')!.message, /does not exist/);
    assert.match(by.get('scenes[0].decor[0]')!.message, /does not exist/);
    assert.equal(by.get('cast[1].refs[0]')!.line, lineOf(TEXT, '"../x.png"'));
    assert.equal(by.get('cast[1].refs[0]')!.column, TEXT.split('\n')[4]!.indexOf('"../x.png"') + 1);
    assert.equal(by.get('scenes[0].decor[0]')!.line, lineOf(TEXT, 'decor/missing.jpg'));
  });

  it('the plan fails exactly the shots that send a bad ref, in the words of the validation', async () => {
    const p = await project();
    const engine = new RenderEngine({
      projectFile: p.file,
      config: resolveConfig({}),
      providers: { draft: new FakeProvider() },
    });
    cleanup.push(() => engine.dispose());
    const { doc, shots } = await engine.plan();
    const state = new Map(shots.map((s) => [s.shot.id, s]));
    assert.equal(state.get('ok')!.freshness, 'never');
    for (const id of ['out', 'text', 'nodecor', 'own']) assert.equal(state.get(id)!.freshness, 'invalid', id);
    const issues = new Map(doc.issues.filter((i) => i.code === 'ref').map((i) => [i.path, i.message]));
    assert.ok(state.get('out')!.reason.endsWith(issues.get('cast[1].refs[0]')!), state.get('out')!.reason);
    assert.ok(state.get('text')!.reason.endsWith(issues.get('cast[2].refs[0]')!));
    const summary = await engine.render();
    assert.equal(summary.shots.failed, 4);
    assert.equal(summary.shots.rendered, 1);
  });

  it('a valid project with good refs has no ref issues (and validating writes nothing)', async () => {
    const p = await createProject(
      { shots: [{ id: 'a', prompt: 'x', refs: ['cast/ann.png', 'https://example.com/a.png'] }] },
      { 'cast/ann.png': simpleFiles['cast/ann.png'] },
    );
    cleanup.push(() => p.cleanup());
    const check = await checkProjectFile(p.file);
    assert.deepEqual(check.issues, []);
    assert.equal(check.valid, true);
    await assert.rejects(fs.stat(path.join(p.dir, '.dailies')), 'validate created no .dailies folder');
  });
});
