// A re-run with nothing to do is made cheap by checking less often, never by checking less: it must
// still see a changed prompt, an output that is gone or no longer a file, and a damaged project, and
// it must leave project.json as it was.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { runCli } from '../helpers/runCli';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

interface Summary {
  shots: { rendered: number; cached: number; skipped: number; failed: number };
}

async function render(file: string): Promise<Summary> {
  const run = await runCli(['render', file, '--json', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Summary;
}

describe('a no-op re-run from the command line', () => {
  it('skips everything and writes nothing, then sees a changed prompt, a lost output and a link where a file was', async () => {
    const p = await createProject(simpleProject(5), simpleFiles);
    projects.push(p);
    assert.equal((await render(p.file)).shots.rendered, 5);
    const rendered = await p.read();
    const before = await fs.stat(p.file);

    const noop = await render(p.file);
    assert.deepEqual([noop.shots.skipped, noop.shots.rendered, noop.shots.cached], [5, 0, 0]);
    assert.equal(await p.read(), rendered, 'project.json is untouched');
    assert.equal((await fs.stat(p.file)).mtimeMs, before.mtimeMs);

    const shots = (await p.json()).shots;
    const image = (i: number) => path.join(p.dir, shots[i]!.render!.outputs[0]!.image);
    await fs.rm(image(1));
    // A dangling link where the image was: there is a name, but no file to show.
    await fs.rm(image(3));
    await fs.symlink(path.join(p.dir, 'nowhere.png'), image(3));
    await p.write(rendered.replace('Shot number 5,', 'Shot number five,'));

    const again = await render(p.file);
    // The two lost images come back from the content store (paid for once), the edited shot renders.
    assert.deepEqual(
      [again.shots.rendered, again.shots.cached, again.shots.skipped, again.shots.failed],
      [1, 2, 2, 0],
    );
    for (const i of [1, 3]) assert.ok((await fs.stat(image(i))).isFile(), `${image(i)} is a file again`);
  });

  it('reports a damaged render record with its JSON path and line, and leaves the file as it is', async () => {
    const p = await createProject(simpleProject(3), simpleFiles);
    projects.push(p);
    assert.equal((await render(p.file)).shots.rendered, 3);
    const text = await p.read();
    const hash = (await p.json()).shots[2]!.render!.inputHash;
    const damaged = text.replace(`"inputHash": "${hash}"`, '"inputHash": 42');
    assert.notEqual(damaged, text);
    await p.write(damaged);
    const run = await runCli(['render', p.file, '--json', '--quiet']);
    assert.equal(run.code, 2);
    const line = damaged.slice(0, damaged.indexOf('"inputHash": 42')).split('\n').length;
    assert.match(run.stderr, new RegExp(`project\\.json:${line}:\\d+: shots\\[2\\]\\.render\\.inputHash: `));
    assert.equal(await p.read(), damaged);
  });
});
