// The webviews' pure logic, without a browser: grid geometry and key movement, filtering and sorting,
// progress text, selection ranges, the metrics table sort and histogram bins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geometryFor, layoutSections, visibleRows } from '../../webview-ui/common/gridLayout';
import { moveIndex } from '../../webview-ui/common/gridNavigation';
import { histogram } from '../../webview-ui/metrics/bins';
import { sortSeries } from '../../webview-ui/metrics/columns';
import { niceCeil, ticks } from '../../webview-ui/metrics/scale';
import { parseAspect } from '../../webview-ui/storyboard/aspect';
import { BoardModel } from '../../webview-ui/storyboard/model';
import { progressFraction, progressText } from '../../webview-ui/storyboard/progressText';
import { Selection } from '../../webview-ui/storyboard/selection';
import { ALL, affectsView, buildView, type ViewFilters } from '../../webview-ui/storyboard/view';
import { metricsSnapshot, storyboardSnapshot } from './fixtures';

const urls = { origin: 'http://h' };
const noFilter: ViewFilters = { text: '', scene: ALL, status: ALL, sort: 'order', review: ALL };

describe('grid layout', () => {
  const g = geometryFor({
    width: 1000,
    minCellWidth: 200,
    gap: 10,
    padding: 10,
    headerHeight: 30,
    cellHeight: (w) => w / 2,
  });

  it('fits as many columns as the minimum width allows and stretches them', () => {
    assert.equal(g.columns, 4);
    assert.equal(g.cellWidth, Math.floor((980 - 30) / 4));
  });

  it('lays sections out as a header row plus rows of cells, and finds the visible window', () => {
    const layout = layoutSections([5, 0, 3], g);
    assert.deepEqual(
      layout.rows.map((r) => (r.kind === 'header' ? 'h' : r.count)),
      ['h', 4, 1, 'h', 'h', 3],
    );
    assert.equal(layout.itemCount, 8);
    assert.equal(layout.rowOfItem[5], 5);
    const { start, end } = visibleRows(layout, layout.rows[2]!.top, 1, 0);
    assert.deepEqual([start, end], [2, 3]);
  });

  it('keeps the column when moving vertically across headers and short rows', () => {
    const layout = layoutSections([5, 3], g);
    assert.equal(moveIndex(layout, 3, 'down'), 4, 'column 3 of a 1-card row clamps to its last card');
    assert.equal(moveIndex(layout, 4, 'down'), 5, 'the next section starts a new row');
    assert.equal(moveIndex(layout, 6, 'up'), 4);
    assert.equal(moveIndex(layout, 0, 'left'), 0);
    assert.equal(moveIndex(layout, 0, 'end'), 7);
  });
});

describe('storyboard view', () => {
  const model = new BoardModel();
  model.load(storyboardSnapshot(120, urls));
  const shots = model.shots;
  const view = (f: ViewFilters) => buildView(shots, model.header.scenes, f);

  it('groups by scene in project order and filters by text terms, scene and status', () => {
    const all = view(noFilter);
    assert.equal(all.flat.length, 120);
    assert.equal(all.sections.length, 12);
    const text = view({ ...noFilter, text: 'LANTERN fog' });
    const both = shots.filter((s) => /lantern/.test(s.prompt) && /fog/.test(s.prompt)).length;
    assert.ok(both > 0 && both < 120, 'the fixture has some shots with both words, not all');
    assert.equal(text.flat.length, both);
    assert.ok(text.flat.every((s) => /lantern/.test(s.prompt) && /fog/.test(s.prompt)));
    assert.equal(view({ ...noFilter, scene: 'sc2' }).sections[0]?.key, 'sc2');
    const problems = view({ ...noFilter, status: 'problems' }).flat;
    assert.equal(problems.length, shots.filter((s) => s.status === 'failed').length);
    assert.ok(problems.length > 0 && problems.every((s) => s.status === 'failed'));
  });

  it('sorts problems first within each scene', () => {
    const v = view({ ...noFilter, sort: 'status' });
    assert.equal(v.sections[0]!.items[0]!.status, 'failed');
  });

  it('rebuilds only for changes that can move a card', () => {
    const shot = shots[0]!;
    const running = { ...shot, status: 'running' as const };
    assert.equal(affectsView(shot, running, noFilter), false);
    assert.equal(affectsView(shot, running, { ...noFilter, status: 'active' }), true);
    assert.equal(affectsView(shot, { ...shot, sceneId: 'sc9' }, noFilter), true);
  });
});

describe('progress text', () => {
  it('reads like the spec', () => {
    assert.equal(
      progressText({ variation: 2, variations: 4, step: 12, steps: 30, state: 'running' }),
      'Variation 2/4 · Step 12/30',
    );
    assert.equal(
      progressText({ variation: 1, variations: 1, state: 'queued', queuePosition: 3 }),
      'Variation 1/1 · queued (#3)',
    );
    assert.equal(
      progressText({ variation: 1, variations: 2, state: 'uploading' }),
      'Variation 1/2 · uploading',
    );
    assert.equal(
      progressText({ variation: 3, variations: 3, state: 'retrying' }),
      'Variation 3/3 · retrying',
    );
    assert.equal(
      progressFraction({ variation: 2, variations: 4, step: 15, steps: 30, state: 'running' }),
      0.375,
    );
  });
});

describe('selection', () => {
  it('extends from the anchor and keeps or replaces the rest', () => {
    const order = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
    const indexOf = new Map(order.map((o, i) => [o.id, i]));
    const sel = new Selection();
    sel.only('b');
    sel.extend('d', order, indexOf, false);
    assert.deepEqual(sel.toArray().sort(), ['b', 'c', 'd']);
    sel.toggle('a');
    sel.extend('b', order, indexOf, true);
    assert.deepEqual(sel.toArray().sort(), ['a', 'b', 'c', 'd']);
    sel.retain((id) => id !== 'c');
    assert.deepEqual(sel.toArray().sort(), ['a', 'b', 'd']);
  });
});

describe('metrics helpers', () => {
  it('sorts series by any column, missing latencies last', () => {
    const series = metricsSnapshot(0).metrics.series;
    const byP95 = sortSeries(series, 'p95:desc');
    assert.ok(byP95[0]!.latency.p95 >= byP95[1]!.latency.p95);
    assert.deepEqual(sortSeries(series, 'provider:asc')[0]!.provider, 'draft');
  });

  it('bins every sample once, failures apart, under a round upper bound', () => {
    const samples = [10, 20, 30, 990].map((ms, i) => ({ ms, ok: i !== 1 }));
    const bins = histogram(samples, 10);
    assert.equal(bins.at(-1)!.to, 1000);
    assert.equal(
      bins.reduce((n, b) => n + b.ok + b.failed, 0),
      4,
    );
    assert.equal(bins[0]!.failed, 1);
    assert.equal(niceCeil(7300), 10_000);
    assert.deepEqual(ticks(20), [0, 5, 10, 15, 20]);
  });

  it('parses aspect ratios and clamps nonsense', () => {
    assert.equal(parseAspect('2.39:1'), 2.39);
    assert.equal(parseAspect('16:9'), 16 / 9);
    assert.equal(parseAspect('1:100'), 0.25);
    assert.equal(parseAspect('wide'), 16 / 9);
  });
});
