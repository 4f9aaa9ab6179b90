// `dailies export` and `dailies import-cut` as a user runs them: exit codes, what is printed, the files
// on disk, and bad input (a duration of 0, a destination over project.json or through a link that leads
// out, a broken cut file) refused with a clear line and nothing written.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { cutProject } from '../helpers/media';
import { runCli } from '../helpers/runCli';
import { type TempProject, tempDir } from '../helpers/tempProject';

const projects: TempProject[] = [];
const dirs: string[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
  while (dirs.length) await fs.rm(dirs.pop()!, { recursive: true, force: true });
});

async function small(): Promise<TempProject> {
  const p = await cutProject(
    [
      { id: 'a', duration: 1, color: '#aa3322' },
      { id: 'b', duration: 0.5, color: false },
      { id: 'c', duration: 2, color: '#2233aa' },
    ],
    { title: 'Tiny Café' },
  );
  projects.push(p);
  return p;
}

describe('dailies export', () => {
  it('writes each format next to project.json, named after the title, and says what it wrote', async () => {
    const p = await small();
    for (const [format, name] of [
      ['otio', 'tiny-cafe.otio'],
      ['fcpxml', 'tiny-cafe.xml'],
      ['edl', 'tiny-cafe.edl'],
      ['csv', 'tiny-cafe.csv'],
      ['pdf', 'tiny-cafe.pdf'],
    ] as const) {
      const run = await runCli(['export', p.file, '--format', format]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(existsSync(path.join(p.dir, name)), name);
      assert.match(
        run.stdout,
        new RegExp(`${name.replace('.', '\\.')} · 3 shots · 00:00:03:12 \\(84 frames at 24 fps\\)`),
      );
      assert.match(run.stdout, /1 slate\(s\) for shots without a take: b/);
    }
    const json = JSON.parse(
      (await runCli(['export', p.file, '--format', 'otio', '--fps', '25', '--json'])).stdout,
    );
    assert.deepEqual(
      [json.format, json.shots, json.frames, json.fps, json.slates],
      ['otio', 3, 88, 25, ['b']],
    );
  });

  it('--out anywhere the user names (relative to the current folder), in a folder that exists', async () => {
    const p = await small();
    const elsewhere = tempDir('dailies-handoff-');
    dirs.push(elsewhere);
    const run = await runCli([
      'export',
      p.file,
      '--format',
      'edl',
      '--out',
      path.join(elsewhere, 'for-avid.edl'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(await fs.readFile(path.join(elsewhere, 'for-avid.edl'), 'utf8'), /^TITLE: Tiny Café\n/);
    const missing = await runCli([
      'export',
      p.file,
      '--format',
      'edl',
      '--out',
      path.join(elsewhere, 'no/such/dir/x.edl'),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the folder .*no\/such\/dir does not exist/);
  });

  it('a duration of 0: timelines refuse and name the shot and its JSON path; the lists still export it', async () => {
    const p = await small();
    const json = await p.json();
    (json.shots[2] as unknown as { duration: number }).duration = 0;
    await p.write(JSON.stringify(json, null, 2));
    for (const format of ['otio', 'fcpxml', 'edl']) {
      const run = await runCli(['export', p.file, '--format', format]);
      assert.equal(run.code, 2, `${format}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /export failed \(nothing written\): cannot cut 1 shot\(s\) into a timeline: c \(shots\[2\]\.duration: duration 0 s is not more than 0\)/,
      );
      assert.ok(!(await fs.readdir(p.dir)).some((f) => f.startsWith('tiny-cafe')), 'nothing written');
    }
    const csv = await runCli(['export', p.file, '--format', 'csv']);
    assert.equal(csv.code, 0);
    assert.match(csv.stderr, /warning: c: shots\[2\]\.duration: duration 0 s is not more than 0/);
  });

  it('refuses to write over project.json, into a folder, or through a link inside the project that leads out', async () => {
    const p = await small();
    const before = await p.read();
    const over = await runCli(['export', p.file, '--format', 'csv', '--out', p.file]);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /refusing to write an export over .*project\.json/);
    assert.equal(await p.read(), before);
    const folder = await runCli(['export', p.file, '--format', 'csv', '--out', path.join(p.dir, 'renders')]);
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /is a folder; name the file to write/);
    const outside = tempDir('dailies-outside-');
    dirs.push(outside);
    await fs.symlink(outside, path.join(p.dir, 'handoff'));
    const link = await runCli([
      'export',
      p.file,
      '--format',
      'csv',
      '--out',
      path.join(p.dir, 'handoff', 'list.csv'),
    ]);
    assert.equal(link.code, 2);
    assert.match(link.stderr, /"handoff" is a link to .*outside the project folder/);
    assert.deepEqual(await fs.readdir(outside), []);
    const take = await runCli([
      'export',
      p.file,
      '--format',
      'csv',
      '--out',
      path.join(p.dir, 'renders/a/a_v1.png'),
    ]);
    assert.equal(take.code, 2);
    assert.match(take.stderr, /refusing to write an export over a take it links/);
  });

  it('bad usage exits 2 with the usage text', async () => {
    const p = await small();
    const none = await runCli(['export', p.file]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--format must be one of otio, fcpxml, edl, pdf, csv/);
    const fps = await runCli(['export', p.file, '--format', 'otio', '--fps', '23.5']);
    assert.equal(fps.code, 2);
    assert.match(fps.stderr, /--fps: fps must be a whole number/);
    const grid = await runCli(['export', p.file, '--format', 'pdf', '--panels', '9x9']);
    assert.equal(grid.code, 2);
    assert.match(grid.stderr, /rows×columns from 1x1 to 6x6/);
  });
});

describe('dailies import-cut', () => {
  it("applies the editor's timing and, with --reorder, order; lists dropped and unknown clips; keeps every shot", async () => {
    const p = await small();
    assert.equal((await runCli(['export', p.file, '--format', 'edl'])).code, 0);
    const edlFile = path.join(p.dir, 'tiny-cafe.edl');
    const edl = await fs.readFile(edlFile, 'utf8');
    // The editor's cut: c (shortened to 1 s) before a; b dropped; a stranger added.
    const edited = [
      'TITLE: Tiny Café v2',
      'FCM: NON-DROP FRAME',
      '',
      '001  C        V     C        00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00',
      '* FROM CLIP NAME:  c',
      '002  AX       V     C        00:00:00:00 00:00:01:00 00:00:01:00 00:00:02:00',
      '* FROM CLIP NAME:  a',
      '003  RAIN     V     C        00:00:00:00 00:00:00:12 00:00:02:00 00:00:02:12',
      '* FROM CLIP NAME:  B-roll rain',
      '',
    ].join('\n');
    assert.ok(edl.includes('* FROM CLIP NAME:  c'));
    await fs.writeFile(edlFile, edited);
    const run = await runCli(['import-cut', p.file, edlFile, '--reorder']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Read 3 clip\(s\) from .*tiny-cafe\.edl \(edl\): 2 matched to shots\./);
    assert.match(run.stdout, /c: 2 s → 1 s \(24 frames\)/);
    assert.match(run.stdout, /Not in the cut \(kept in project\.json\): b/);
    assert.match(run.stdout, /Clips that match no shot \(ignored\): B-roll rain/);
    assert.match(run.stdout, /project\.json updated \(one edit\)\./);
    const json = await p.json();
    assert.deepEqual(
      json.shots.map((s) => [s.id, (s as unknown as { duration: number }).duration]),
      [
        ['c', 1],
        ['a', 1],
        ['b', 0.5],
      ],
    );
  });

  it('a broken or unknown cut file exits 2 and leaves project.json exactly as it was', async () => {
    const p = await small();
    const before = await p.read();
    const bad = path.join(p.dir, 'cut.xml');
    await fs.writeFile(bad, '<xmeml><sequence><name>x</sequence></xmeml>');
    const run = await runCli(['import-cut', p.file, bad]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /cut not imported \(project\.json unchanged\): not well-formed XML: <\/sequence> does not close <name>/,
    );
    const other = path.join(p.dir, 'cut.aaf');
    await fs.writeFile(other, 'x');
    const aaf = await runCli(['import-cut', p.file, other]);
    assert.equal(aaf.code, 2);
    assert.match(aaf.stderr, /import-cut reads \.otio, \.xml \(FCP 7\) or \.edl files/);
    const usage = await runCli(['import-cut', p.file]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /expected <project\.json> and the cut file/);
    assert.equal(await p.read(), before);
  });
});
