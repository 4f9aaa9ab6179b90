// What the surfaces are sent about review, without vscode: the production state reads review data
// leniently and counts it, a storyboard row carries a compact review cell only when there is something to
// show, and the take viewer's shot never points the page outside the project.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProjectText } from '../../src/core/project/load';
import { ProjectPaths } from '../../src/core/project/paths';
import type { PlannedShot } from '../../src/core/render/plan';
import type { VersionEntry } from '../../src/core/review/versions';
import { circled, ProductionState, type ShotView } from '../../src/core/state/productionState';
import { reviewCell, StringTable, sameRow, toRow } from '../../src/extension/webviews/cards';
import { buildViewerShot } from '../../src/extension/webviews/viewerModel';

const outputs = (id: string, n: number, sha = 'a') =>
  Array.from({ length: n }, (_, i) => ({
    variation: i + 1,
    image: `renders/${id}/${id}_v${i + 1}.png`,
    thumb: `renders/${id}/${id}_v${i + 1}.thumb.webp`,
    sha256: `${sha}${i + 1}`.padEnd(64, '0'),
  }));

function view(over: Partial<ShotView> = {}): ShotView {
  return {
    id: 's1',
    index: 0,
    prompt: 'p',
    model: 'draft/storyboard',
    provider: 'draft',
    variations: 3,
    status: 'done',
    outputs: outputs('s1', 3),
    line: 0,
    ...over,
  };
}

describe('production state and review', () => {
  it('reads take, review and notes from the plan, counts them, and reports the changed shot', () => {
    const text = JSON.stringify({
      dailies: 1,
      shots: [
        { id: 'a', prompt: 'x', take: 2, review: { status: 'approved', notes: ['ok', 42] } },
        { id: 'b', prompt: 'y', review: { status: 'nonsense' } },
        { id: 'c', prompt: 'z' },
      ],
    });
    const parsed = parseProjectText(text, 'project.json');
    assert.ok(parsed.ok);
    const doc = {
      file: 'project.json',
      text,
      project: parsed.project,
      paths: new ProjectPaths('/tmp/x/project.json'),
      issues: parsed.issues,
      shotStarts: parsed.shotStarts,
    };
    const planned = (project: typeof parsed.project): PlannedShot[] =>
      project.shots.map((shot, index) => ({
        shot,
        index,
        freshness: 'never',
        reason: '',
        jobs: [],
        refs: [],
      }));
    const state = new ProductionState();
    state.applyPlan(doc, planned(parsed.project), new Map([['a', 3]]));
    assert.deepEqual(state.reviewCounts(), { pending: 2, approved: 1, 'changes-requested': 0 });
    assert.equal(state.get('a')?.take, 2);
    assert.equal(state.get('a')?.review?.notes.length, 1, 'only readable notes');
    assert.equal(state.get('a')?.versions, 3);
    assert.equal(state.get('b')?.review?.unknownStatus, 'nonsense');
    const next = JSON.parse(text) as { shots: { review?: unknown }[] };
    next.shots[2]!.review = { status: 'changes-requested', notes: [{ text: 'Warmer' }] };
    const again = parseProjectText(JSON.stringify(next), 'project.json');
    assert.ok(again.ok);
    const change = state.applyPlan({ ...doc, project: again.project }, planned(again.project));
    assert.deepEqual(change.ids, ['c']);
    assert.equal(state.get('a')?.versions, 3, 'kept when no counts are given');
    assert.deepEqual(state.reviewCounts(), { pending: 1, approved: 1, 'changes-requested': 1 });
  });

  it('the circled output is the take when rendered, else variation 1', () => {
    assert.equal(circled(view({ take: 3 }))?.variation, 3);
    assert.equal(circled(view({ take: 9 }))?.variation, 1);
  });
});

describe('storyboard rows and review', () => {
  it('carries no review cell for an unreviewed one-take shot, and a compact one otherwise', () => {
    assert.equal(reviewCell(view({ outputs: outputs('s1', 1), variations: 1 })), undefined);
    assert.deepEqual(
      reviewCell(
        view({ take: 2, versions: 4, review: { status: 'changes-requested', notes: [{ text: 'x' }] } }),
      ),
      [2, 2, 0b111, 1, 4],
    );
    assert.deepEqual(
      reviewCell(view({ take: 9 })),
      [0, 0, 0b111, 0, 0],
      'a take never rendered is not circled',
    );
  });

  it('the card shows the circled take; a row with a cell compares by value', () => {
    const strings = new StringTable();
    const row = toRow(view({ take: 2 }), strings);
    const thumb = strings.take()[row[5]];
    assert.equal(thumb, 'renders/\u0001/\u0001_v2.thumb.webp');
    assert.equal(row.length, 11);
    assert.ok(sameRow(row, toRow(view({ take: 2 }), new StringTable())));
    assert.ok(!sameRow(row, toRow(view({ take: 3 }), new StringTable())));
  });
});

describe('take viewer shot', () => {
  const src = (allow: (rel: string) => boolean = () => true) => ({
    projectFile: '/p/project.json',
    title: 'T',
    aspectRatio: '16:9',
    shots: () => [view()],
    sceneTitle: () => undefined,
    uri: (rel: string) => (allow(rel) ? `vscode-resource:/p/${rel}` : undefined),
  });
  const entry = (id: string, sha: string, over: Partial<VersionEntry> = {}): VersionEntry => ({
    v: 1,
    id,
    shotId: 's1',
    recordedAt: '2026-01-01T00:00:00.000Z',
    render: {
      status: 'done',
      inputHash: 'f'.repeat(64),
      provider: 'draft',
      model: 'draft/storyboard',
      outputs: outputs('s1', 3, sha),
      renderedAt: sha === 'a' ? '2026-02-02T00:00:00.000Z' : '2026-01-01T00:00:00.000Z',
    },
    fields: { prompt: `prompt ${id}` },
    ...over,
  });

  it('marks the current version by its bytes and older notes as history; old takes come from the store', () => {
    const shot = view({
      take: 2,
      renderHash: 'f'.repeat(64),
      review: {
        status: 'pending',
        notes: [
          { text: 'old', at: '2026-01-15T00:00:00.000Z' },
          { text: 'new', at: '2026-02-03T00:00:00.000Z' },
        ],
      },
    });
    const v = buildViewerShot(src(), shot, [entry('000000000001', 'b'), entry('000000000002', 'a')]);
    assert.deepEqual(
      v.versions.map((x) => [x.n, x.current, x.prompt]),
      [
        [1, false, 'prompt 000000000001'],
        [2, true, 'prompt 000000000002'],
      ],
    );
    assert.deepEqual(
      v.notes.map((n) => [n.text, n.earlier]),
      [
        ['old', true],
        ['new', false],
      ],
    );
    assert.equal(v.take, 2);
    assert.equal(v.circled, true);
    assert.match(v.versions[0]!.takes[0]!.image, /^vscode-resource:\/p\/\.dailies\/store\/b1\/b10+\.png$/);
  });

  it('two versions with the same bytes (a prompt edit the frame does not show): only the recorded inputs are current', () => {
    const edited = entry('000000000003', 'a', {
      render: { ...entry('x', 'a').render, inputHash: 'e'.repeat(64) },
      fields: { prompt: 'prompt edited' },
    });
    const versions = [entry('000000000002', 'a'), edited];
    const current = (hash: string) =>
      buildViewerShot(
        src(),
        view({ renderHash: hash, outputs: outputs('s1', 3, 'a') }),
        versions,
      ).versions.map((x) => x.current);
    assert.deepEqual(current('f'.repeat(64)), [true, false]);
    assert.deepEqual(current('e'.repeat(64)), [false, true]);
  });

  it('never hands the page a path outside the project', () => {
    const evil = view({
      outputs: [
        { variation: 1, image: '../../etc/passwd.png', sha256: 'c'.repeat(64) },
        { variation: 2, image: '/etc/hosts.png', sha256: 'd'.repeat(64) },
        { variation: 3, image: 'renders/s1/ok.png', thumb: 'renders/s1/\u0007.webp', sha256: 'e'.repeat(64) },
      ],
    });
    const bad = entry('000000000003', 'e');
    bad.render.outputs[0]!.sha256 = '../../../../x';
    const v = buildViewerShot(src(), evil, [bad]);
    assert.deepEqual(
      v.takes.map((t) => [t.variation, t.image, t.thumb]),
      [[3, 'vscode-resource:/p/renders/s1/ok.png', undefined]],
    );
    assert.ok(v.versions[0]!.takes.every((t) => t.image.includes('/.dailies/store/')));
    assert.equal(v.versions[0]!.takes.length, 2, 'the take with a bad hash is left out');
  });

  it('hands a video take its proxy to play (never the clip, never a path outside), a still none', () => {
    const clip = (n: number, proxy: string) => ({
      variation: n,
      image: `renders/s1/s1_v${n}.png`,
      thumb: `renders/s1/s1_v${n}.thumb.webp`,
      video: `renders/s1/s1_v${n}.mp4`,
      proxy,
      seconds: 5,
      sha256: `${n}`.padEnd(64, '0'),
    });
    const v = buildViewerShot(
      src(),
      view({
        outputs: [
          clip(1, 'renders/s1/s1_v1.proxy.mp4'),
          clip(2, '../../secret.mp4'),
          { variation: 3, image: 'renders/s1/s1_v3.png', sha256: '3'.padEnd(64, '0') },
        ],
      }),
      [],
    );
    assert.deepEqual(
      v.takes.map((t) => [t.variation, t.image, t.video, t.seconds]),
      [
        [1, 'vscode-resource:/p/renders/s1/s1_v1.png', 'vscode-resource:/p/renders/s1/s1_v1.proxy.mp4', 5],
        [2, 'vscode-resource:/p/renders/s1/s1_v2.png', undefined, undefined],
        [3, 'vscode-resource:/p/renders/s1/s1_v3.png', undefined, undefined],
      ],
    );
  });

  it('a kept version of a video shot plays its own proxy from the store, with its rate; a bad hash or none plays nothing', () => {
    const clip = (sha: string, fps?: number) => ({
      variation: 1,
      image: 'renders/s1/s1_v1.jpg',
      sha256: sha.padEnd(64, '0'),
      video: 'renders/s1/s1_v1.mp4',
      proxy: 'renders/s1/s1_v1.proxy.mp4',
      seconds: 4,
      ...(fps ? { fps } : {}),
    });
    const version = (id: string, sha: string, proxies?: Record<string, string>, fps?: number) =>
      entry(id, sha, {
        render: { ...entry(id, sha).render, inputHash: sha.repeat(64), outputs: [clip(sha, fps)] },
        ...(proxies ? { proxies } : {}),
      });
    const old = version('000000000001', '1', { '1': 'e'.repeat(64) }, 30);
    const tampered = version('000000000002', '2', { '1': '../../../etc/passwd' });
    const unrecorded = version('000000000003', '3');
    const current = version('000000000004', '4', undefined, 24);
    const v = buildViewerShot(
      { ...src(), fps: 25 },
      view({ outputs: [clip('4', 24)], renderHash: '4'.repeat(64) }),
      [old, tampered, unrecorded, current],
    );
    assert.equal(v.fps, 25, 'the production’s rate, for clips without their own');
    assert.deepEqual(
      v.versions.map((x) => [x.n, x.current, x.takes[0]?.video, x.takes[0]?.fps]),
      [
        [1, false, `vscode-resource:/p/.dailies/store/ee/${'e'.repeat(64)}.mp4`, 30],
        [2, false, undefined, undefined],
        [3, false, undefined, undefined],
        // Kept before proxies were: the current render's bytes are renders/' own proxy.
        [4, true, 'vscode-resource:/p/renders/s1/s1_v1.proxy.mp4', 24],
      ],
    );
    assert.equal(v.takes[0]?.fps, 24);
  });
});
