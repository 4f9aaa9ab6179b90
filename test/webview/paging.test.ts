// The storyboard's first screen: the host sends the first shots a page asks for, then the rest as one
// delta when the page asks (`more`). Plain node: whatever changes between the two messages, the page ends
// with exactly the board a complete snapshot gives, in order, with every late change and progress.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShotView } from '../../src/core/state/productionState';
import { STORYBOARD_FIRST_MAX } from '../../src/shared/protocol';
import { BoardModel, ImageUrls } from '../../webview-ui/storyboard/model';
import { FixtureBoard, rowsOf, shotId } from './fixtures';

const origin = { origin: 'https://file+.vscode-resource.vscode-cdn.net/home/ana/productions/night-train' };

/** What a card shows, comparable across models (URLs resolved). */
function cards(m: BoardModel) {
  const urls = new ImageUrls(() => m.root);
  return JSON.parse(
    JSON.stringify(m.shots.map((s) => ({ ...s, thumb: urls.thumb(s), image: urls.image(s) }))),
  );
}

/** The board a page would show after a complete snapshot of the same state (a second host session). */
function fresh(board: FixtureBoard): BoardModel {
  const views = board.views.map((v) => ({ ...v }));
  const other = new FixtureBoard(views, origin);
  other.header = board.header;
  other.batch = board.batch;
  const m = new BoardModel();
  assert.ok(m.load(other.snapshot()));
  return m;
}

function paged(board: FixtureBoard, first: number): BoardModel {
  const m = new BoardModel();
  assert.ok(m.load(board.snapshot(first)));
  return m;
}

function applyAll(m: BoardModel, ...deltas: (ReturnType<FixtureBoard['rest']> | undefined)[]): void {
  for (const d of deltas) if (d) assert.equal(m.apply(d).kind, 'applied');
}

describe('storyboard first screen and the rest', () => {
  it('sends the first shots, then the rest in order without repeating the order', () => {
    const board = new FixtureBoard(1000, origin);
    const snapshot = board.snapshot(120);
    assert.equal(rowsOf(snapshot.shots).length, 120);
    assert.equal(snapshot.more, 880);
    const m = new BoardModel();
    m.load(snapshot);
    assert.equal(m.missing, 880);
    const rest = board.rest();
    assert.ok(rest);
    assert.equal(rest.complete, true);
    assert.equal(rest.order, undefined, 'the rest goes after the first shots: no 1,000 ids to send');
    assert.deepEqual(
      rowsOf(rest.rows).map((r) => r[0]),
      board.views.slice(120).map((v) => v.id),
    );
    const result = m.apply(rest);
    assert.ok(result.kind === 'applied' && result.completed && result.reordered);
    assert.equal(m.missing, 0);
    assert.deepEqual(cards(m), cards(fresh(board)));
    assert.deepEqual(
      m.shots.map((s) => s.index),
      m.shots.map((_, i) => i),
    );
    assert.equal(board.rest(), undefined, 'nothing is left to send');
  });

  it('keeps a change made before the rest, to a shot the page has and to one it has not yet', () => {
    const board = new FixtureBoard(500, origin);
    const m = paged(board, 100);
    board.update(shotId(3), {
      status: 'running',
      progress: { variation: 1, variations: 2, state: 'running' },
    });
    board.update(shotId(400), {
      status: 'running',
      progress: { variation: 2, variations: 2, step: 5, steps: 30, state: 'running' },
    });
    const early = board.delta([shotId(3), shotId(400)]);
    // Only the shot the page holds: a row for the other would land at the end of a 100-shot board.
    assert.deepEqual(
      rowsOf(early.rows).map((r) => r[0]),
      [shotId(3)],
    );
    assert.deepEqual(Object.keys(early.live ?? {}), [shotId(3)]);
    applyAll(m, early);
    assert.equal(m.shots.length, 100);
    board.update(shotId(400), { status: 'done', progress: undefined });
    board.update(shotId(401), { status: 'failed', reason: 'late' });
    applyAll(m, board.rest());
    assert.equal(m.byId.get(shotId(400))?.status, 'done');
    assert.equal(m.byId.get(shotId(401))?.reason, 'late');
    assert.equal(m.byId.get(shotId(3))?.progress?.state, 'running');
    assert.deepEqual(cards(m), cards(fresh(board)));
  });

  it('leaves a pending change to a shot the page holds to the next delta, which still sends it', () => {
    const board = new FixtureBoard(400, origin);
    const m = paged(board, 100);
    board.update(shotId(5), { status: 'failed', reason: 'pending when the rest went' });
    const rest = board.rest();
    assert.ok(rest && !rowsOf(rest.rows).some((r) => r[0] === shotId(5)));
    applyAll(m, rest);
    assert.notEqual(m.byId.get(shotId(5))?.reason, 'pending when the rest went');
    applyAll(m, board.delta([shotId(5)]));
    assert.equal(m.byId.get(shotId(5))?.reason, 'pending when the rest went');
    assert.deepEqual(cards(m), cards(fresh(board)));
  });

  it('brings progress of shots the page did not have with the rest', () => {
    const board = new FixtureBoard(300, origin);
    const m = paged(board, 100);
    board.update(shotId(250), {
      status: 'running',
      progress: { variation: 1, variations: 1, step: 3, steps: 9, state: 'running' },
    });
    assert.throws(() => board.delta([shotId(250)]), /nothing changed/);
    applyAll(m, board.rest());
    assert.equal(m.byId.get(shotId(250))?.progress?.step, 3);
    assert.deepEqual(cards(m), cards(fresh(board)));
  });

  it('places the rest by the order when shots were added, removed or moved before it', () => {
    const board = new FixtureBoard(300, origin);
    const m = paged(board, 100);
    const views = board.views.slice();
    const [moved] = views.splice(250, 1);
    views.splice(10, 0, moved!);
    views.splice(50, 1);
    views.push({ ...views[0]!, id: 'N1', prompt: 'new', outputs: [] } satisfies ShotView);
    board.replace(views);
    const rest = board.rest();
    assert.ok(rest?.order, 'the page cannot place the rest without the order');
    applyAll(m, rest);
    assert.deepEqual(
      m.shots.map((s) => s.id),
      views.map((v) => v.id),
    );
    assert.deepEqual(cards(m), cards(fresh(board)));
  });

  it('completes the page with a re-plan that comes before the rest, and sends no rest after it', () => {
    const board = new FixtureBoard(300, origin);
    const m = paged(board, 100);
    board.replace(board.views.slice(0, 200).reverse());
    const d = board.delta();
    assert.equal(d.complete, true);
    applyAll(m, d);
    assert.equal(m.missing, 0);
    assert.equal(board.rest(), undefined);
    assert.deepEqual(cards(m), cards(fresh(board)));
  });

  it('completes the page when every shot it lacked was removed', () => {
    const board = new FixtureBoard(300, origin);
    const m = paged(board, 100);
    board.replace(board.views.slice(0, 100));
    const rest = board.rest();
    assert.ok(rest?.complete);
    applyAll(m, rest);
    assert.equal(m.missing, 0);
    assert.deepEqual(cards(m), cards(fresh(board)));
  });

  it('bounds what a page may ask for', () => {
    const board = new FixtureBoard(STORYBOARD_FIRST_MAX + 50, origin);
    for (const [first, rows] of [
      [Number.NaN, STORYBOARD_FIRST_MAX + 50],
      [-5, 1],
      [0.5, 1],
      [1e9, STORYBOARD_FIRST_MAX],
      [12.7, 12],
    ] as const) {
      assert.equal(rowsOf(board.snapshot(first).shots).length, rows, `first: ${first}`);
    }
    assert.equal(new FixtureBoard(40, origin).snapshot(100).more, undefined, 'a small board comes whole');
  });

  it('ends with the board a complete snapshot gives, whatever happens before and after the rest', () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 12; trial++) {
      const board = new FixtureBoard(200, origin);
      const m = paged(board, 1 + rand(150));
      const restAt = rand(12);
      for (let round = 0; round < 16; round++) {
        if (round === restAt) applyAll(m, board.rest());
        const kind = rand(4);
        let ids: string[] | undefined;
        if (kind === 0) {
          const views = board.views.slice();
          views.splice(rand(views.length), 1);
          const moved = views.splice(rand(views.length), 1);
          views.splice(rand(views.length), 0, ...moved);
          views.splice(rand(views.length), 0, { ...views[0]!, id: `N${trial}-${round}`, outputs: [] });
          board.replace(views);
        } else {
          ids = [];
          for (let k = 0; k < 1 + rand(5); k++) {
            const v = board.views[rand(board.views.length)]!;
            board.update(v.id, {
              status: rand(2) ? 'running' : 'done',
              progress: rand(2)
                ? { variation: 1, variations: 1, step: round, steps: 16, state: 'running' }
                : undefined,
              prompt: `changed ${round}`,
            });
            ids.push(v.id);
          }
          if (kind === 1) ids = undefined;
        }
        // A re-plan is sent once visible; an unsent one is taken by the rest (the panel clears it).
        if (kind === 0 && rand(2)) continue;
        let d: ReturnType<FixtureBoard['delta']> | undefined;
        try {
          d = board.delta(ids);
        } catch {
          continue;
        }
        applyAll(m, d);
      }
      applyAll(m, board.rest());
      // Whatever is still unsent (a re-plan left pending) goes with the next full delta.
      try {
        applyAll(m, board.delta());
      } catch {}
      assert.equal(m.missing, 0, `trial ${trial}`);
      assert.deepEqual(cards(m), cards(fresh(board)), `trial ${trial}`);
    }
  });
});
