// The review loop from the command line, as a script or a render box runs it: circle a take, request
// changes with a note (signed with git's user.name), re-render after a prompt edit (the shot is pending
// again), list the kept versions, restore the first one (no render), and every bad input refused with a
// clear message and the file untouched.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/runCli';
import { copyExample, type TempProject, tempDir } from '../helpers/tempProject';

const SHOT = 's01-010'; // three takes in the example

interface Shot {
  id: string;
  prompt: string;
  take?: number;
  review?: {
    status?: string;
    by?: string;
    notes?: { text: string; author?: string; at?: string; status?: string }[];
  };
  render?: { renderedAt: string; outputs: { variation: number; image: string }[] };
}

describe('dailies take / review / versions / restore', () => {
  let p: TempProject;
  let env: NodeJS.ProcessEnv;
  const shot = async (id = SHOT) => ((await p.json()).shots as unknown as Shot[]).find((s) => s.id === id)!;

  before(async () => {
    p = await copyExample();
    // git's identity for the review, from a config of the test's own (never the developer's).
    const home = tempDir('dailies-git-');
    const gitconfig = path.join(home, '.gitconfig');
    await fs.writeFile(gitconfig, '[user]\n\tname = Ana Reviewer\n');
    env = { GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1', HOME: home };
    const render = await runCli(['render', p.file, '--json'], env);
    assert.equal(render.code, 0, render.stderr);
  });
  after(() => p.cleanup());

  it('circles a take, keeping the rest of the file byte for byte', async () => {
    const before = await p.read();
    const r = await runCli(['take', p.file, SHOT, '2'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `take: ${SHOT}`);
    assert.equal((await shot()).take, 2);
    const after = await p.read();
    assert.equal(after.replace(/,\n\s*"take": 2/, ''), before);
  });

  it('refuses bad input with a clear message and the file untouched', async () => {
    const before = await p.read();
    const cases: [string[], number, RegExp][] = [
      [['take', p.file, SHOT, '7'], 1, /s01-010 has no rendered take 7 \(rendered: 1, 2, 3\)/],
      [['take', p.file, 'nope', '1'], 1, /no shot "nope"/],
      [['take', p.file, SHOT, 'two'], 2, /a take is a variation number from 1 to 16, not "two"/],
      [['take', p.file, SHOT], 2, /missing <n>/],
      [
        ['review', p.file, SHOT, '--status', 'aproved'],
        2,
        /--status is one of pending, approved, changes-requested/,
      ],
      [['review', p.file, SHOT], 2, /needs --status and\/or --note/],
      [['review', p.file, SHOT, '--note', '   '], 1, /A note cannot be empty/],
      [['restore', p.file, SHOT, '9'], 1, /has no version "9"/],
      [['render', p.file, SHOT], 2, /unexpected argument "s01-010"/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv, env);
      assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, argv.join(' '));
    }
    assert.equal(await p.read(), before);
  });

  it('requests changes with a note signed by git user.name; a re-render makes the shot pending again', async () => {
    const r = await runCli(
      ['review', p.file, `${SHOT},s01-020`, '--status', 'changes-requested', '--note', 'Warmer lamps.'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const sent = await shot();
    assert.equal(sent.review?.status, 'changes-requested');
    assert.equal(sent.review?.by, 'Ana Reviewer');
    assert.deepEqual(sent.review?.notes?.[0], {
      text: 'Warmer lamps.',
      author: 'Ana Reviewer',
      at: sent.review?.notes?.[0]?.at,
      status: 'changes-requested',
    });
    const text = await p.read();
    await p.write(
      text.replace(JSON.stringify(sent.prompt), JSON.stringify(`${sent.prompt} Warm sodium lamps.`)),
    );
    const render = await runCli(['render', p.file, '--json'], env);
    assert.equal(render.code, 0, render.stderr);
    assert.equal(JSON.parse(render.stdout).shots.rendered, 1);
    const again = await shot();
    assert.equal(again.review?.status, 'pending');
    assert.equal(again.review?.notes?.length, 1, 'the note is kept as history');
    assert.equal(again.take, 2);
    assert.equal(
      (await shot('s01-020')).review?.status,
      'changes-requested',
      'not re-rendered: still sent back',
    );
  });

  it('lists the versions and restores the first with no render', async () => {
    const list = await runCli(['versions', p.file, SHOT, '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const versions = JSON.parse(list.stdout).versions as { n: number; fields: { prompt: string } }[];
    assert.equal(versions.length, 2);
    const human = await runCli(['versions', p.file, SHOT], env);
    assert.match(human.stdout, /^#\s+id\s+rendered/m);

    const restore = await runCli(['restore', p.file, SHOT, '1'], env);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /restored version 1 of s01-010; nothing was rendered or uploaded/);
    const restored = await shot();
    assert.equal(restored.prompt, versions[0]!.fields.prompt);
    assert.ok(restored.render!.outputs.every((o) => o.image.startsWith(`renders/${SHOT}/versions/`)));
    const render = await runCli(['render', p.file, '--json'], env);
    assert.deepEqual(
      [JSON.parse(render.stdout).shots.rendered, JSON.parse(render.stdout).shots.cached],
      [0, 0],
      'restored means up to date: nothing rendered, nothing even taken from the cache',
    );
  });
});
