import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import type { DailiesApi } from '../../../src/extension/api';
import { dailies, ensureRendered, example, summary, until } from './support/dailies';
import { firstDifference, pristineText } from './support/fixture';
import { withoutRenderRecords } from './support/projectText';

interface RecordedShot {
  id: string;
  render?: { status: string; renderedAt?: string; outputs: { image: string; thumb?: string }[] };
}

suite('Render All Shots (draft provider)', () => {
  let api: DailiesApi;
  let file: string;

  suiteSetup(async () => {
    api = await dailies();
    await ensureRendered(api);
    file = example(api).file;
  });

  test('every shot is done and nothing is rendering', () => {
    assert.equal(example(api).rendering, false);
    assert.deepEqual(summary(api), { done: example(api).shots.length });
  });

  test('project.json records each render, and its images and thumbnails are on disk', () => {
    const { shots } = JSON.parse(readFileSync(file, 'utf8')) as { shots: RecordedShot[] };
    const root = path.dirname(file);
    for (const shot of shots) {
      assert.equal(shot.render?.status, 'done', `${shot.id} has no done render record`);
      assert.ok(shot.render.renderedAt, `${shot.id} has no renderedAt`);
      assert.ok(shot.render.outputs.length > 0, `${shot.id} has no outputs`);
      for (const o of shot.render.outputs) {
        for (const rel of [o.image, o.thumb]) {
          assert.ok(rel && existsSync(path.join(root, rel)), `${shot.id}: ${rel ?? 'thumb'} is missing`);
        }
      }
    }
  });

  test("the user's formatting is byte-identical outside the render records", () => {
    const text = readFileSync(file, 'utf8');
    assert.notEqual(text, pristineText(), 'project.json was not written at all');
    const diff = firstDifference(withoutRenderRecords(text), pristineText());
    assert.equal(diff, undefined, `formatting changed outside the render records: ${diff}`);
  });

  test('the Shots tree shows each shot with its thumbnail as the icon', () => {
    const shots = api.treeSnapshot().filter((i) => i.contextValue?.startsWith('shot.'));
    assert.equal(shots.length, example(api).shots.length);
    const noThumb = shots.filter((i) => !/^file:.+\.thumb\.webp$/.test(i.icon ?? ''));
    assert.deepEqual(noThumb, []);
  });

  test('the status bar reads "… shots · up to date"', async () => {
    const n = example(api).shots.length;
    await until(
      `status "${n} shots · up to date"`,
      () => api.statusText().includes(`${n} shots · up to date`),
      {
        timeoutMs: 5000,
        seen: () => api.statusText(),
      },
    );
  });
});
