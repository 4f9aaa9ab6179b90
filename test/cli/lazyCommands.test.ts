// The bundled CLI (dist/cli.js) loads the commands no render needs (PDF boards and their fonts, review,
// versions) only when they are run: each must still load and work from the bundle itself, where a
// lazily evaluated module that esbuild failed to include would only show up at that moment.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, before, describe, it } from 'node:test';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { cutProject } from '../helpers/media';
import type { TempProject } from '../helpers/tempProject';

const open: TempProject[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.cleanup();
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUILT_CLI, ...args],
      { env: { ...process.env, FAL_KEY: '', REPLICATE_API_TOKEN: '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('commands loaded on demand in the bundled CLI', () => {
  before(() => {
    buildCli();
  });

  it('export --format pdf draws real boards (pdf-lib and its fonts load when asked)', async () => {
    const p = await cutProject([
      { id: 'a', duration: 1, color: '#aa3322' },
      { id: 'b', duration: 2, color: false },
    ]);
    open.push(p);
    const out = path.join(p.dir, 'boards.pdf');
    const run = await cli(['export', p.file, '--format', 'pdf', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const pdf = await fs.readFile(out);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 1000, `a PDF of ${pdf.length} bytes`);
  });

  it('review and versions run from the bundle and edit project.json', async () => {
    const p = await cutProject([{ id: 'a', duration: 1, color: '#aa3322' }]);
    open.push(p);
    const review = await cli(['review', p.file, 'a', '--status', 'approved']);
    assert.equal(review.code, 0, review.stderr);
    const project = JSON.parse(await fs.readFile(p.file, 'utf8'));
    assert.equal(project.shots[0].review?.status, 'approved');
    const versions = await cli(['versions', p.file, 'a']);
    assert.equal(versions.code, 0, versions.stderr);
  });
});
