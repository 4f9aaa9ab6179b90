import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { runCli } from '../helpers/runCli';
import {
  copyExample,
  createProject,
  simpleFiles,
  simpleProject,
  type TempProject,
} from '../helpers/tempProject';

const dailies = runCli;

const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

describe('dailies CLI', () => {
  it('renders the example, then renders nothing, then only the shot whose prompt changed (--json)', async () => {
    const p = await copyExample();
    projects.push(p);
    const first = await dailies(['render', p.file, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const s1 = JSON.parse(first.stdout);
    assert.deepEqual(s1.shots, { total: 27, rendered: 27, cached: 0, skipped: 0, failed: 0, canceled: 0 });
    assert.deepEqual(
      Object.keys(s1)
        .filter((k) => ['shots', 'uploads', 'wallMs', 'errors'].includes(k))
        .sort(),
      ['errors', 'shots', 'uploads', 'wallMs'],
    );
    assert.deepEqual(s1.uploads, { new: 0, cached: 0, revalidated: 0 });
    assert.equal(typeof s1.wallMs, 'number');
    // What `npm run demo` promises offline: the example's video shots come out as moving clips, each with
    // its poster, thumbnail and review proxy on disk.
    const moving = (await p.json()).shots.filter((s) =>
      String((s as { model?: string }).model).startsWith('draft/video'),
    );
    assert.ok(moving.length >= 2, 'the example has video shots');
    for (const shot of moving) {
      const out = shot.render!.outputs[0] as {
        image: string;
        thumb?: string;
        video?: string;
        proxy?: string;
        frames?: number;
      };
      for (const f of [out.image, out.thumb, out.video, out.proxy]) {
        assert.ok(f && existsSync(path.join(path.dirname(p.file), f)), `${shot.id}: ${f} on disk`);
      }
      assert.match(out.video!, /\.mp4$/);
      assert.ok((out.frames ?? 0) > 24, `${shot.id} moves for more than a second (${out.frames} frames)`);
    }

    const second = JSON.parse((await dailies(['render', p.file, '--json'])).stdout);
    assert.deepEqual([second.shots.rendered, second.shots.skipped], [0, 27]);

    const text = await p.read();
    const shot = (await p.json()).shots[5]!;
    await p.write(text.replace(JSON.stringify(shot.prompt), JSON.stringify(`${shot.prompt} Now at dawn.`)));
    const third = JSON.parse((await dailies(['render', p.file, '--json'])).stdout);
    assert.deepEqual([third.shots.rendered, third.shots.skipped], [1, 26]);
    const after = await p.json();
    assert.equal(after.shots[5]!.render!.status, 'done');
  });

  it('exits 1 and lists the failure when a shot fails, after rendering the others', async () => {
    const p = await createProject(
      simpleProject(3, (i) => (i === 1 ? { refs: ['nowhere.png'] } : {})),
      simpleFiles,
    );
    projects.push(p);
    const run = await dailies(['render', p.file, '--json']);
    assert.equal(run.code, 1);
    const s = JSON.parse(run.stdout);
    assert.equal(s.shots.rendered, 2);
    assert.equal(s.errors[0].shotId, 'shot-002');
    assert.match(s.errors[0].message, /"nowhere.png" does not exist/);
  });

  it('exits 2 with path and line:column for an invalid project, writing nothing', async () => {
    const broken = '{\n  "shots": [\n    { "id": "a", "prompt": 42 }\n  ]\n}\n';
    const p = await createProject(broken);
    projects.push(p);
    const run = await dailies(['render', p.file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /project\.json:3:18: shots\[0\]\.prompt: expected string/);
    assert.ok(!run.stderr.includes('    at '), 'no stack trace');
    assert.equal(await p.read(), broken);
    const v = await dailies(['validate', p.file, '--json']);
    assert.equal(v.code, 2);
    assert.equal(JSON.parse(v.stdout).issues[0].path, 'shots[0].prompt');
  });

  it('reports malformed JSON and a missing file in one clear line', async () => {
    const p = await createProject('{ "shots": [ ');
    projects.push(p);
    const bad = await dailies(['validate', p.file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /project\.json:1:14: \(syntax\): JSON syntax error/);
    const missing = await dailies(['render', path.join(p.dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^dailies: Cannot read .*nope\.json/m);
  });

  it('validate checks refs like render does: a ref outside the project, a missing one, a non-image', async () => {
    const text = `{
  "cast": [{ "id": "ann", "refs": ["../x.png"] }],
  "scenes": [{ "id": "s1", "decor": ["decor/missing.jpg"] }],
  "shots": [
    { "id": "a", "prompt": "x", "cast": ["ann"] },
    { "id": "b", "prompt": "y", "scene": "s1" },
    { "id": "c", "prompt": "z", "refs": ["notes.png"] }
  ]
}
`;
    const p = await createProject(text, { 'notes.png': 'plain text, not an image' });
    projects.push(p);
    const v = await dailies(['validate', p.file]);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    assert.match(v.stderr, /project\.json:2:36: cast\[0\]\.refs\[0\]: .*leaves the project folder/);
    assert.match(v.stderr, /project\.json:3:38: scenes\[0\]\.decor\[0\]: .*does not exist/);
    assert.match(v.stderr, /project\.json:7:42: shots\[2\]\.refs\[0\]: .*not an image/);
    const json = JSON.parse((await dailies(['validate', p.file, '--json'])).stdout);
    assert.equal(json.valid, false);
    const render = JSON.parse((await dailies(['render', p.file, '--json'])).stdout);
    assert.deepEqual(
      render.errors.map((e: { shotId: string }) => e.shotId).sort(),
      ['a', 'b', 'c'],
      'render fails the same shots validate reports',
    );
  });

  it('prints shots in the shared words: done, failed, up to date (never variations as the unit)', async () => {
    const p = await createProject(
      simpleProject(3, (i) => (i === 2 ? { refs: ['missing.png'] } : i === 0 ? { variations: 2 } : {})),
      simpleFiles,
    );
    projects.push(p);
    const run = await dailies(['render', p.file]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^✓ shot-001 done .*\(2 variations\)$/m);
    assert.match(run.stderr, /^✗ shot-003 failed: .*missing\.png/m);
    assert.match(run.stdout, /^Shots: 3 total · 2 done · 1 failed$/m);
    assert.match(run.stdout, /^Variations: 3 done · 0 cached$/m);
    const again = await dailies(['render', p.file]);
    assert.match(again.stdout, /^Shots: 3 total · 1 failed · 2 up to date$/m);
  });

  it('refuses a foreign project.json (Nx) instead of claiming it', async () => {
    const p = await createProject({ name: 'web', projectType: 'application', targets: { build: {} } });
    projects.push(p);
    const run = await dailies(['render', p.file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /is not a Dailies production/);
  });

  it('says which key is missing when a shot needs a cloud provider', async () => {
    const p = await createProject(
      simpleProject(1, () => ({ model: 'fal-ai/flux/dev' })),
      simpleFiles,
    );
    projects.push(p);
    const run = await dailies(['render', p.file, '--json']);
    assert.equal(run.code, 1);
    assert.match(JSON.parse(run.stdout).errors[0].message, /No fal\.ai key: set FAL_KEY/);
    const offline = await dailies(['render', p.file, '--json', '--provider', 'draft']);
    assert.equal(offline.code, 0, 'the same project renders offline with --provider draft');
  });

  it('estimates before rendering, and prints metrics after', async () => {
    const p = await createProject(
      simpleProject(4, (i) => (i === 0 ? { variations: 3 } : {})),
      simpleFiles,
    );
    projects.push(p);
    const est = JSON.parse((await dailies(['estimate', p.file, '--json'])).stdout);
    assert.deepEqual(est.shots, { total: 4, fresh: 0, toRender: 4, cached: 0, invalid: 0 });
    assert.equal(est.variations.toRender, 6);
    assert.equal(est.estCostUsd, 0);
    await dailies(['render', p.file]);
    const m = JSON.parse((await dailies(['metrics', p.file, '--json'])).stdout);
    const render = m.series.find((s: { feature: string }) => s.feature === 'render');
    assert.equal(render.count, 6);
    assert.equal(render.latency.count, 6);
    const human = await dailies(['metrics', p.file]);
    assert.match(human.stdout, /draft\s+draft\/storyboard\s+render\s+6/);
  });

  it('prints usage for bad arguments with exit code 2', async () => {
    const run = await dailies(['paint', 'x.json']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command "paint"/);
    assert.match(run.stderr, /Usage: dailies <command>/);
    assert.equal((await dailies(['render', 'x.json', '--limit', 'heavy=zero'])).code, 2);
    assert.equal((await dailies(['--help'])).code, 0);
  });
});
