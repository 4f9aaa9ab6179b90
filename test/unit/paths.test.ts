import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ProjectPaths } from '../../src/core/project/paths';
import { DailiesError } from '../../src/core/util/errors';
import { makeImage, tempDir } from '../helpers/tempProject';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof DailiesError, `expected a DailiesError, got ${String(err)}`);
    return err.code;
  }
}

describe('ProjectPaths', () => {
  let root: string;
  let outside: string;
  let paths: ProjectPaths;

  before(async () => {
    const base = tempDir();
    root = path.join(base, 'my production');
    outside = path.join(base, 'elsewhere');
    await fs.mkdir(root, { recursive: true });
    await makeImage(path.join(root, 'cast', 'Zoë Café.png'));
    await makeImage(path.join(root, 'decor', 'platform 1.png'));
    await makeImage(path.join(outside, 'secret.png'));
    await fs.writeFile(path.join(root, 'project.json'), '{"shots":[]}');
    await fs.symlink(path.join(outside, 'secret.png'), path.join(root, 'cast', 'link-out.png'));
    await fs.symlink(path.join(root, 'cast', 'Zoë Café.png'), path.join(root, 'decor', 'link-in.png'));
    paths = new ProjectPaths(path.join(root, 'project.json'));
  });
  after(async () => fs.rm(path.dirname(root), { recursive: true, force: true }));

  it('resolves project-relative refs with spaces and unicode', async () => {
    const r = paths.resolveFile('cast/Zoë Café.png');
    assert.equal(r.rel, 'cast/Zoë Café.png');
    assert.equal(r.abs, path.join(paths.root, 'cast', 'Zoë Café.png'));
    assert.equal(await paths.checkInside(r.abs, r.ref), r.abs);
    assert.equal(paths.resolveFile('decor/platform 1.png').rel, 'decor/platform 1.png');
  });

  it('normalises ./ and inner .. that stay inside, and Windows separators', () => {
    assert.equal(paths.resolveFile('./cast/../decor/platform 1.png').rel, 'decor/platform 1.png');
    assert.equal(paths.resolveFile('cast\\Zoë Café.png').rel, 'cast/Zoë Café.png');
  });

  it('refuses .. that leaves the project', () => {
    assert.equal(
      code(() => paths.resolve('../elsewhere/secret.png')),
      'path-escape',
    );
    assert.equal(
      code(() => paths.resolve('cast/../../elsewhere/secret.png')),
      'path-escape',
    );
    assert.equal(
      code(() => paths.resolve('..')),
      'path-escape',
    );
    assert.equal(
      code(() => paths.resolve('.')),
      'path-escape',
    );
  });

  it('accepts absolute paths inside the project (stored relative) and refuses ones outside', () => {
    assert.equal(paths.resolveFile(path.join(root, 'cast', 'Zoë Café.png')).rel, 'cast/Zoë Café.png');
    assert.equal(
      code(() => paths.resolve(path.join(outside, 'secret.png'))),
      'path-escape',
    );
    assert.equal(
      code(() => paths.resolve('/etc/passwd')),
      'path-escape',
    );
  });

  it('maps file:// URLs inside the project to relative paths and back', () => {
    const url = pathToFileURL(path.join(paths.root, 'cast', 'Zoë Café.png')).href;
    assert.equal(paths.resolveFile(url).rel, 'cast/Zoë Café.png');
    assert.equal(paths.fromFileUrl(url), 'cast/Zoë Café.png');
    assert.equal(paths.fileUrl('cast/Zoë Café.png'), url);
    assert.equal(
      code(() => paths.resolve(pathToFileURL(path.join(outside, 'secret.png')).href)),
      'path-escape',
    );
  });

  it('keeps https URLs as URLs and refuses odd schemes, empty refs and NUL bytes', () => {
    const r = paths.resolve('https://v3.fal.media/files/a/b.png');
    assert.equal(r.kind, 'url');
    for (const bad of [
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'ftp://x/y.png',
      'vscode-resource://x',
    ]) {
      assert.equal(
        code(() => paths.resolve(bad)),
        'path-invalid',
        bad,
      );
    }
    assert.equal(
      code(() => paths.resolve('')),
      'path-invalid',
    );
    assert.equal(
      code(() => paths.resolve('   ')),
      'path-invalid',
    );
    assert.equal(
      code(() => paths.resolve('cast/a\0.png')),
      'path-invalid',
    );
    assert.equal(
      code(() => paths.resolve('https://[bad')),
      'path-invalid',
    );
  });

  it('refuses a symlink that leads out of the project, and accepts one that stays inside', async () => {
    const out = paths.resolveFile('cast/link-out.png');
    await assert.rejects(
      paths.checkInside(out.abs, out.ref),
      (err: unknown) => err instanceof DailiesError && err.code === 'path-escape',
    );
    const inside = paths.resolveFile('decor/link-in.png');
    assert.equal(
      await paths.checkInside(inside.abs, inside.ref),
      path.join(paths.root, 'cast', 'Zoë Café.png'),
    );
  });

  it('accepts a folder whose name merely starts with two dots (..cache is inside, .. is not)', async () => {
    await makeImage(path.join(root, '..cache', 'a.png'));
    const r = paths.resolveFile('..cache/a.png');
    assert.equal(r.rel, '..cache/a.png');
    assert.equal(await paths.checkInside(r.abs, r.ref), path.join(paths.root, '..cache', 'a.png'));
    assert.equal(paths.fromFileUrl(pathToFileURL(path.join(root, '..cache', 'a.png')).href), '..cache/a.png');
    assert.equal(
      code(() => paths.resolve('..cache/../../elsewhere/secret.png')),
      'path-escape',
    );
  });

  it('reports a missing file clearly', async () => {
    const r = paths.resolveFile('cast/nobody.png');
    await assert.rejects(paths.checkInside(r.abs, r.ref), /does not exist/);
  });

  it('keeps its data folder inside the project', () => {
    assert.equal(paths.data('uploads.json'), path.join(paths.root, '.dailies', 'uploads.json'));
  });

  it('resolves every ref exactly as the general rules do: plain names, dots, links, schemes, separators', () => {
    // Refs built from the pieces that change how a path is read; each must give what path.resolve and
    // path.relative give (or be refused as leaving the project), however the resolver gets there.
    const pieces = [
      'a',
      'renders',
      's5_v1.png',
      '.',
      '..',
      '.hidden',
      '..cache',
      'b-c',
      '',
      'x:y',
      'c:',
      ' ',
      '\\',
    ];
    let checked = 0;
    for (const a of pieces)
      for (const b of pieces)
        for (const c of ['', ...pieces]) {
          const ref = c === '' ? `${a}/${b}` : `${a}/${b}/${c}`;
          const abs = path.resolve(root, ...ref.replace(/\\/g, '/').split('/'));
          const rel = path.relative(root, abs);
          const escapes = rel === '' || rel.split(path.sep)[0] === '..' || path.isAbsolute(rel);
          let got: { rel: string; abs: string } | string;
          try {
            got = paths.resolveFile(ref);
          } catch (err) {
            got = (err as DailiesError).code;
          }
          if (typeof got === 'string') {
            // Refused: only what leaves the project, is absolute (here: outside it), or reads as a scheme.
            assert.ok(
              escapes || /^[\\/]/.test(ref) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ref),
              `${ref}: ${got}`,
            );
            continue;
          }
          assert.ok(!escapes, `${JSON.stringify(ref)} leaves the project but resolved to ${got.abs}`);
          assert.equal(got.abs, abs, JSON.stringify(ref));
          assert.equal(got.rel, rel.split(path.sep).join('/'), JSON.stringify(ref));
          checked++;
        }
    assert.ok(checked > 500, `${checked} refs resolved`);
  });
});
