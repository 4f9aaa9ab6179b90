// The review loop against the fal fake with the real client: render, request changes with a note, edit
// the prompt, re-render (the shot is pending again, the note kept as history; the old render is a kept
// version whose bytes live once, in the content store), then restore the old version — files and
// prompt come back with no request to any provider, and the shot is up to date without a render.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import { ProjectPaths } from '../../src/core/project/paths';
import { FileProjectIO, ProjectWriter } from '../../src/core/project/write';
import { applyReview, readReview, restoreVersion, VersionStore } from '../../src/core/review';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { cloudEngine, FAL_KEY } from '../helpers/cloud';
import { createProject, type TempProject } from '../helpers/tempProject';

const THUMBS = { size: 400, quality: 80 };
const CTX = { who: 'Ana', at: '2026-03-01T10:00:00.000Z' };

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function project() {
  return {
    dailies: 1,
    shots: [
      {
        id: 'a',
        prompt: 'The platform at night, rain',
        seed: 10,
        variations: 2,
        model: 'fal-ai/flux/schnell',
      },
      { id: 'b', prompt: 'The café car', seed: 20, model: 'fal-ai/flux/schnell' },
    ],
  };
}

interface Json {
  shots: {
    id: string;
    prompt: string;
    seed?: number;
    take?: number;
    review?: unknown;
    render?: {
      renderedAt: string;
      inputHash: string;
      outputs: { variation: number; image: string; thumb?: string; sha256: string }[];
    };
  }[];
}

async function storeObjects(dir: string): Promise<string[]> {
  const root = path.join(dir, '.dailies', 'store');
  const out: string[] = [];
  for (const sub of await fs.readdir(root).catch(() => [])) {
    for (const f of await fs.readdir(path.join(root, sub))) out.push(f);
  }
  return out.sort();
}

function writer(file: string): ProjectWriter {
  return new ProjectWriter(new FileProjectIO(file), { validate: (t) => parseProjectText(t, file) });
}

describe('review loop (fal fake)', () => {
  let fal: FalFake;
  const cleanups: (() => Promise<void>)[] = [];
  before(async () => {
    fal = await startFalFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: FAL_KEY });
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  after(() => fal.close());

  async function render(p: TempProject) {
    const rig = cloudEngine(p.file, { fal });
    try {
      const s = await rig.engine.render();
      assert.equal(s.errors.length, 0, JSON.stringify(s.errors));
      return s;
    } finally {
      await rig.dispose();
    }
  }

  async function editPrompt(p: TempProject, prompt: string, seed: number) {
    const text = await p.read();
    await p.write(
      text
        .replace('"The platform at night, rain"', JSON.stringify(prompt))
        .replace('"seed": 10', `"seed": ${seed}`),
    );
  }

  it('re-render after changes requested: pending again, notes kept, old render kept as a version', async () => {
    const p = await createProject(project());
    cleanups.push(() => p.cleanup());
    await render(p);
    const w = writer(p.file);
    await applyReview(w, ['a'], { kind: 'circle', take: 2 }, CTX);
    const sent = await applyReview(
      w,
      ['a'],
      { kind: 'status', status: 'changes-requested', note: 'Warmer lamps; lose the man on the left.' },
      CTX,
    );
    assert.deepEqual(sent.written, ['a']);
    const first = (await p.json()) as unknown as Json;
    await editPrompt(p, 'The platform at night, rain, warm sodium lamps', 11);
    fal.clearRecords();
    await render(p);
    assert.equal(fal.count('submit'), 2, 'only the edited shot (2 takes) was rendered again');
    const now = (await p.json()) as unknown as Json;
    const a = now.shots[0]!;
    const review = readReview(a.review);
    assert.equal(review.status, 'pending');
    assert.deepEqual(
      review.notes.map((n) => [n.text, n.author, n.status]),
      [['Warmer lamps; lose the man on the left.', 'Ana', 'changes-requested']],
    );
    assert.equal(a.take, 2, 'the circled take stays circled');
    // b was not re-rendered: its review (none) and its record are untouched.
    assert.deepEqual(now.shots[1]!.render, first.shots[1]!.render);

    const versions = await new VersionStore(new ProjectPaths(p.file)).list('a');
    assert.equal(versions.length, 2);
    assert.equal(versions[0]!.fields?.['prompt'], 'The platform at night, rain');
    assert.equal(versions[1]!.fields?.['prompt'], 'The platform at night, rain, warm sodium lamps');
    assert.deepEqual(
      versions.map((v) => v.render.renderedAt),
      [first.shots[0]!.render!.renderedAt, a.render!.renderedAt],
    );
    assert.equal(versions[0]!.inputs?.model, 'fal-ai/flux/schnell');
    assert.equal(Object.keys(versions[0]!.thumbs ?? {}).length, 2);
    // No duplicate bytes: every image and thumbnail of every version is one object in the store, and
    // the versions folder holds only JSON lines.
    const shas = new Set(
      versions.flatMap((v) => [...v.render.outputs.map((o) => o.sha256), ...Object.values(v.thumbs ?? {})]),
    );
    const objects = await storeObjects(p.dir);
    for (const sha of shas) assert.equal(objects.filter((o) => sha && o.startsWith(sha)).length, 1, sha);
    const kept = await fs.readdir(path.join(p.dir, '.dailies', 'versions'));
    assert.ok(
      kept.every((f) => f.endsWith('.jsonl')),
      kept.join(', '),
    );
  });

  it('restores an old version from the store with no provider call, prompt and all', async () => {
    const p = await createProject(project());
    cleanups.push(() => p.cleanup());
    await render(p);
    const old = ((await p.json()) as unknown as Json).shots[0]!;
    await editPrompt(p, 'A different take on the platform', 99);
    await render(p);
    const newer = ((await p.json()) as unknown as Json).shots[0]!;
    assert.notDeepEqual(
      newer.render!.outputs.map((o) => o.sha256),
      old.render!.outputs.map((o) => o.sha256),
    );

    fal.clearRecords();
    const paths = new ProjectPaths(p.file);
    const restored = await restoreVersion(paths, 'a', '1', { thumbnails: THUMBS });
    const w = writer(p.file);
    for (const [key, value] of restored.changes) w.update('a', key, () => value);
    const report = await w.flush();
    assert.deepEqual(report.written, ['a']);
    const after = ((await p.json()) as unknown as Json).shots[0]!;
    assert.equal(after.prompt, old.prompt);
    assert.equal(after.seed, 10);
    assert.equal(after.render!.renderedAt, old.render!.renderedAt);
    for (const o of after.render!.outputs) {
      assert.match(o.image, /^renders\/a\/versions\/[0-9a-f]+\/a_v\d\.png$/);
      const bytes = await fs.readFile(path.join(p.dir, o.image));
      assert.equal(sha256(bytes), old.render!.outputs.find((x) => x.variation === o.variation)!.sha256);
      assert.ok(o.thumb && (await fs.stat(path.join(p.dir, o.thumb))).size > 0);
    }
    // The newer render's files are where its record says: undoing the restore loses nothing.
    for (const o of newer.render!.outputs) {
      assert.equal(sha256(await fs.readFile(path.join(p.dir, o.image))), o.sha256);
    }
    // Up to date without a render, and nothing was asked of fal at any point.
    const rig = cloudEngine(p.file, { fal });
    const est = await rig.engine.estimate();
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(est.variations.toRender, 0);
    assert.equal(s.shots.skipped, 2);
    assert.equal(fal.count('submit'), 0);
    assert.equal(fal.count('upload'), 0);
  });

  it('a version whose bytes left the store is refused with a clear error, changing nothing', async () => {
    const p = await createProject(project());
    cleanups.push(() => p.cleanup());
    await render(p);
    const old = ((await p.json()) as unknown as Json).shots[0]!;
    await editPrompt(p, 'Another idea', 42);
    await render(p);
    const sha = old.render!.outputs[1]!.sha256;
    const stored = path.join(p.dir, '.dailies', 'store', sha.slice(0, 2), `${sha}.png`);
    await fs.rm(stored, { force: true });
    const before = await p.read();
    await assert.rejects(
      restoreVersion(new ProjectPaths(p.file), 'a', '1', { thumbnails: THUMBS }),
      /take 2's image is no longer in the content store/,
    );
    assert.equal(await p.read(), before);
    await assert.rejects(fs.stat(path.join(p.dir, 'renders', 'a', 'versions')), /ENOENT/);
  });

  it('tampered version lines are skipped; no restore is steered outside the project', async () => {
    const p = await createProject(project());
    cleanups.push(() => p.cleanup());
    await render(p);
    const file = new VersionStore(new ProjectPaths(p.file)).fileOf('a');
    const good = (await fs.readFile(file, 'utf8')).trim();
    const evil = JSON.parse(good) as { id: string; render: { outputs: { image: string; sha256: string }[] } };
    evil.id = 'ffffffffffff';
    evil.render.outputs[0]!.sha256 = '../../../etc/passwd';
    await fs.writeFile(file, `${good}\n${JSON.stringify(evil)}\n{"v":1,"id":"torn`);
    const store = new VersionStore(new ProjectPaths(p.file));
    assert.equal((await store.list('a')).length, 1);
    await assert.rejects(
      restoreVersion(new ProjectPaths(p.file), 'a', 'ffffffffffff', { thumbnails: THUMBS }),
      /has no version "ffffffffffff"/,
    );
    // A version naming an image outside renders/ is restored into renders/a/versions/ all the same.
    const moved = JSON.parse(good) as { render: { outputs: { image: string }[] } };
    moved.render.outputs[0]!.image = '../../outside.png';
    await fs.writeFile(file, `${JSON.stringify(moved)}\n`);
    const r = await restoreVersion(new ProjectPaths(p.file), 'a', '1', { thumbnails: THUMBS });
    assert.ok(r.render.outputs.every((o) => o.image.startsWith('renders/a/versions/')));
    await assert.rejects(fs.stat(path.join(p.dir, '..', 'outside.png')), /ENOENT/);
    // Version counts come from one index read.
    assert.deepEqual([...(await store.counts())].sort(), [
      ['a', 1],
      ['b', 1],
    ]);
  });
});
