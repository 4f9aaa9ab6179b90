// Issue 17 in the real editor: with dailies.team.redisUrl and dailies.team.store set (a real redis-server
// the harness started on a free loopback port, and a temp folder) and dailies.team.farm on, a batch goes
// to the farm — a headless `dailies worker` holding the keys (harness/team.ts); this editor holds none.
// The Shots tree and the status bar follow it live from the farm's progress events, exactly as for a
// local render, and the results land in the project.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DailiesApi } from '../../../src/extension/api';
import type { BatchSummary } from '../../../src/shared/events';
import { dailies, until } from './support/dailies';
import { fakesAvailable, received, resetFake } from './support/fakes';
import { Follower } from './support/follow';
import { type Lab, makeLab, UserSettings } from './support/lab';
import { ui, uiAvailable } from './support/ui';

/** Far above what the surfaces aim for (as in 06-live); the farm adds a queue hop, not a freeze. */
const DEADLINE_MS = 6000;
const SHOTS = ['tm-010', 'tm-020', 'tm-030', 'tm-040', 'tm-050'];

suite('Team farm from the editor: settings, a batch on the farm, followed live (real Redis + worker)', () => {
  let api: DailiesApi;
  let lab: Lab | undefined;
  const settings = new UserSettings();
  const redisUrl = process.env['DAILIES_E2E_REDIS_URL'];
  const store = process.env['DAILIES_E2E_TEAM_STORE'];

  suiteSetup(async function () {
    const why =
      process.env['DAILIES_E2E_TEAM_SKIP'] ??
      (!uiAvailable() || !fakesAvailable()
        ? 'no UI servant or provider fakes in this run'
        : !redisUrl || !store
          ? 'the harness started no team backend'
          : undefined);
    if (why) {
      console.log(`    (team suite skipped: ${why})`);
      return this.skip();
    }
    this.timeout(120_000);
    api = await dailies();
    delete process.env['FAL_KEY']; // the artist's editor has no key: only the farm can render
    await settings.set('dailies.defaultProvider', 'auto');
    await settings.set('dailies.draft.latencyMs', 0);
    await resetFake('fal');
    // Open before the team is set up, as for a user who turns it on in a running editor: its engine is
    // rebuilt on the backend the settings name, with no reload.
    lab = await makeLab(
      api,
      'lab-team',
      SHOTS.map((id, i) => ({ id, model: 'fal-ai/flux/schnell', variations: i === 0 ? 2 : 1 })),
    );
    await api.refresh(); // its engine exists, on no team
    await settings.set('dailies.team.redisUrl', redisUrl);
    await settings.set('dailies.team.store', store);
    await settings.set('dailies.team.farm', true);
  });

  suiteTeardown(async () => {
    await lab?.dispose();
    await settings.restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the batch renders on the farm; tree and status bar follow it live; the results land', async function () {
    this.timeout(240_000);
    const l = lab!;
    await vscode.commands.executeCommand('dailies.shots.focus');
    await until(`VS Code to fetch the ${SHOTS.length} lab rows`, () => rows(api, l).length >= SHOTS.length, {
      timeoutMs: 30_000,
      seen: () => rows(api, l).map((r) => r.shotId),
    });
    const follow = new Follower(api, l.file, DEADLINE_MS);
    const statusSeen = new Set<string>();
    const jobStates = new Set<string>();
    const sub = api.onRenderEvent((file, e) => {
      if (file === l.file && e.type === 'job') jobStates.add(e.state);
    });
    const sampler = setInterval(() => statusSeen.add(api.statusText()), 50);
    let result: BatchSummary[] | undefined;
    let failure: unknown;
    api.render({ file: l.file }).then(
      (r) => {
        result = r;
      },
      (err: unknown) => {
        failure = err;
      },
    );
    try {
      // A farm batch from a machine without a key still asks, with the estimate, before any spend.
      const dialog = await ui({ kind: 'dialog', click: 'Render', screenshot: '15-team-farm-confirmation' });
      assert.match(dialog.text ?? '', /Render 6 variations of 5 shots on fal\.ai/);
      await until('the farm batch to end', () => result !== undefined || failure !== undefined, {
        timeoutMs: 180_000,
        seen: () => [api.statusText(), rows(api, l).map((r) => `${r.shotId}:${r.status}`)],
      });
    } finally {
      clearInterval(sampler);
      sub.dispose();
    }
    assert.equal(failure, undefined, String(failure));
    const report = await follow.stop();
    const [summary] = result ?? [];
    assert.equal(summary?.shots.rendered, SHOTS.length, JSON.stringify(summary?.errors));
    // The same progress as a local render, relayed from the worker through BullMQ's events.
    for (const s of ['queued', 'submitted', 'running', 'downloading', 'done'])
      assert.ok(jobStates.has(s), `the editor saw "${s}" (saw ${[...jobStates].join(', ')})`);
    assert.deepEqual(report.late, [], `surfaces that did not follow: ${report.late.join('; ')}`);
    assert.ok(report.met > 0, 'the tree was seen following the batch');
    assert.ok(
      [...statusSeen].some((t) => /sync~spin.*\d+\/\d+ shots/.test(t)),
      `the status bar showed the batch's progress (saw ${[...statusSeen].join(' | ')})`,
    );
    await until('every lab row to show done', () => rows(api, l).every((r) => r.status === 'done'), {
      timeoutMs: 20_000,
      seen: () => rows(api, l).map((r) => `${r.shotId}:${r.status}`),
    });
    // Paid by the worker (its key, not this editor's: it has none), once per variation.
    const submits = (await received('fal')).filter((r) => r.route === 'submit');
    assert.equal(submits.length, 6, `${submits.length} submits`);
    assert.ok(
      submits.every((r) => r.headers['authorization'] === 'Key e2e-worker-fal:secret'),
      JSON.stringify(submits.map((r) => r.headers['authorization'])),
    );
    // The results are in the project (images and thumbnails) and in the team's shared store.
    const project = JSON.parse(readFileSync(l.file, 'utf8')) as {
      shots: { id: string; render?: { status: string; outputs: { image: string; thumb?: string }[] } }[];
    };
    for (const shot of project.shots) {
      assert.equal(shot.render?.status, 'done', shot.id);
      for (const out of shot.render!.outputs)
        for (const rel of [out.image, out.thumb])
          assert.ok(rel && existsSync(path.join(l.dir, rel)), `${shot.id}: ${rel} is in the project`);
    }
    assert.ok(countFiles(path.join(store!, 'objects')) >= 6, 'the outputs are in the shared store');
  });
});

function rows(api: DailiesApi, lab: Lab) {
  return api.treeRows().filter((r) => r.file === lab.file);
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}
