// The storyboard's wire format and revisions, host side (StoryboardSync, the row encoding) and webview
// side (BoardModel, ImageUrls), in plain node: what a snapshot weighs per shot, which paths may reach the
// page, what a delta carries, and that snapshot + deltas always equals a fresh snapshot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShotView } from '../../src/core/state/productionState';
import { cutPrompt, pathTemplate } from '../../src/extension/webviews/cards';
import { PROMPT_CHARS, type ShotStatus } from '../../src/shared/protocol';
import { BoardModel, ImageUrls } from '../../webview-ui/storyboard/model';
import { FixtureBoard, rootOf, rowsOf, shotId, shotViews } from './fixtures';

const origin = { origin: 'https://file+.vscode-resource.vscode-cdn.net/home/ana/productions/night-train' };

function decoded(board: FixtureBoard): BoardModel {
  const m = new BoardModel();
  m.load(board.snapshot());
  return m;
}

/** What a card shows, comparable across models (URLs resolved). */
function cards(m: BoardModel) {
  const urls = new ImageUrls(() => m.root);
  // Through JSON: a key holding undefined and a missing key are the same card.
  return JSON.parse(
    JSON.stringify(m.shots.map((s) => ({ ...s, thumb: urls.thumb(s), image: urls.image(s) }))),
  );
}

describe('storyboard snapshot', () => {
  it('weighs under 200 bytes a shot and names the project folder once', () => {
    const snapshot = new FixtureBoard(10_000, origin).snapshot();
    const json = JSON.stringify(snapshot);
    assert.ok(json.length / 10_000 < 200, `${(json.length / 10_000).toFixed(0)} B per shot`);
    assert.equal(json.split(origin.origin).length - 1, 1, 'the folder URI appears more than once');
    // Rendered shots share one path template per kind (the id stands for itself).
    assert.ok(snapshot.strings.length < 40, `${snapshot.strings.length} strings in the table`);
  });

  it('decodes to the cards the fixture describes, with encoded URLs under the root', () => {
    const views = shotViews(40);
    views[1] = {
      ...views[1]!,
      id: 'shot #1 café?',
      outputs: [
        {
          variation: 1,
          image: 'renders/shot #1 café?/a b.png',
          thumb: 'renders\\shot #1 café?\\a b.thumb.webp',
          sha256: 'ab'.repeat(32),
        },
      ],
    };
    const m = decoded(new FixtureBoard(views, origin));
    const urls = new ImageUrls(() => m.root);
    const shot = m.byId.get('shot #1 café?')!;
    assert.equal(
      urls.thumb(shot),
      `${rootOf(origin)}renders/shot%20%231%20caf%C3%A9%3F/a%20b.thumb.webp?v=abababab`,
    );
    assert.equal(
      urls.image(shot),
      `${rootOf(origin)}renders/shot%20%231%20caf%C3%A9%3F/a%20b.png?v=abababab`,
    );
    assert.equal(m.shots.length, 40);
    for (const [i, s] of m.shots.entries()) {
      assert.equal(s.index, i);
      assert.equal(s.status, views[i]!.status);
      assert.equal(s.model, views[i]!.model);
      assert.equal(s.provider, views[i]!.provider);
      assert.equal(s.sceneId, views[i]!.sceneId);
    }
  });

  it('never points the page outside the project folder', () => {
    for (const hostile of [
      '../secrets.png',
      'renders/../../x.png',
      '/etc/passwd',
      'C:\\Windows\\x.png',
      'a\u0000b.png',
      '..',
    ]) {
      assert.equal(pathTemplate(hostile, 'S1'), undefined, hostile);
    }
    assert.equal(pathTemplate('renders/..x/y.png', 'S1'), 'renders/..x/y.png');
  });

  it('cuts prompts to what a card shows, never inside a surrogate pair', () => {
    assert.equal(cutPrompt('short'), 'short');
    const long = 'a'.repeat(PROMPT_CHARS - 2) + '🎬🎬🎬';
    const cut = cutPrompt(long);
    assert.ok(cut.length <= PROMPT_CHARS);
    assert.ok(cut.endsWith('…'));
    assert.doesNotMatch(cut, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, 'a lone high surrogate');
  });
});

describe('storyboard deltas', () => {
  it('sends nothing when nothing changed, and only the changed row otherwise', () => {
    const board = new FixtureBoard(1000, origin);
    board.snapshot();
    assert.throws(() => board.delta(), /nothing changed/);
    assert.throws(() => board.delta([shotId(3)]), /nothing changed/);
    board.update(shotId(3), { status: 'queued' });
    const d = board.delta();
    assert.deepEqual(
      rowsOf(d.rows).map((r) => r[0]),
      [shotId(3)],
    );
    assert.equal(d.order, undefined);
    assert.equal(JSON.stringify(d).length < 400, true, `${JSON.stringify(d).length} B for one shot`);
  });

  it('sends progress without its row while only the step moves', () => {
    const board = new FixtureBoard(10, origin);
    board.snapshot();
    board.update(shotId(2), {
      status: 'running',
      progress: { variation: 1, variations: 2, step: 1, steps: 30, state: 'running' },
    });
    const first = board.delta([shotId(2)]);
    assert.equal(rowsOf(first.rows).length, 1);
    board.update(shotId(2), {
      progress: { variation: 1, variations: 2, step: 2, steps: 30, state: 'running' },
    });
    const next = board.delta([shotId(2)]);
    assert.equal(next.rows, undefined);
    assert.deepEqual(next.live, {
      [shotId(2)]: { variation: 1, variations: 2, step: 2, steps: 30, state: 'running' },
    });
    board.update(shotId(2), { status: 'done', progress: undefined });
    assert.deepEqual(board.delta([shotId(2)]).live, { [shotId(2)]: null });
  });

  it('chains revisions, and a new page starts a session no old delta can match', () => {
    const board = new FixtureBoard(5, origin);
    const a = board.snapshot();
    board.update(shotId(0), { status: 'stale' });
    const d1 = board.delta();
    assert.equal(d1.from, a.rev);
    board.update(shotId(1), { status: 'stale' });
    const d2 = board.delta();
    assert.equal(d2.from, d1.rev);
    const b = board.snapshot();
    assert.ok(b.rev > d2.rev);
    const m = new BoardModel();
    m.load(b);
    assert.deepEqual(m.apply(d2), { kind: 'resync' });
  });

  it('snapshot + any sequence of deltas equals a fresh snapshot', () => {
    const statuses: ShotStatus[] = [
      'not-rendered',
      'stale',
      'queued',
      'running',
      'done',
      'failed',
      'cached',
      'canceled',
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const board = new FixtureBoard(300, origin);
    const model = decoded(board);
    for (let round = 0; round < 60; round++) {
      const kind = rand(5);
      let ids: string[] | undefined;
      if (kind === 0) {
        // Shots added, removed and moved (a re-plan after an edit).
        const views = board.views.slice();
        views.splice(rand(views.length), 1);
        const moved = views.splice(rand(views.length), 1);
        views.splice(rand(views.length), 0, ...moved);
        const fresh: ShotView = { ...views[0]!, id: `N${round}`, prompt: `new shot ${round}`, outputs: [] };
        views.splice(rand(views.length), 0, fresh);
        board.replace(views);
      } else if (kind === 1) {
        board.header = {
          ...board.header,
          title: `Night Train ${round}`,
          ...(round % 2 ? { problem: 'bad' } : {}),
        };
        if (!(round % 2)) delete board.header.problem;
      } else {
        ids = [];
        for (let k = 0; k < 1 + rand(6); k++) {
          const v = board.views[rand(board.views.length)]!;
          const status = statuses[rand(statuses.length)]!;
          board.update(v.id, {
            status,
            reason: status === 'failed' ? `error ${round}` : undefined,
            progress:
              status === 'running'
                ? { variation: 1, variations: 1, step: round, steps: 99, state: 'running' }
                : undefined,
            sceneId: rand(10) === 0 ? 'sc-new' : v.sceneId,
            model: rand(10) === 0 ? `model-${round}` : v.model,
          });
          ids.push(v.id);
        }
        if (kind === 4) ids = undefined;
      }
      let d: ReturnType<FixtureBoard['delta']> | undefined;
      try {
        d = board.delta(ids);
      } catch {
        continue;
      }
      assert.equal(model.apply(d).kind, 'applied');
    }
    const fresh = decoded(board);
    assert.deepEqual(cards(model), cards(fresh));
    assert.deepEqual(model.header, fresh.header);
  });
});
