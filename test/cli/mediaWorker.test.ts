// The built CLI (dist/cli.js) finds its media worker bundle (dist/mediaWorker.js) and draws draft frames
// there; without workers (DAILIES_MEDIA_WORKERS=0) it draws the same frames in process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, before, describe, it } from 'node:test';
import { BUILT_CLI, buildCli } from '../helpers/builtCli';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';

const open: TempProject[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.cleanup();
});

function render(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, 'render', file, '--verbose', '--force'], {
      env: { ...process.env, FAL_KEY: '', REPLICATE_API_TOKEN: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('media workers in the bundled CLI', () => {
  before(() => {
    buildCli();
  });

  it('ships the worker beside the CLI and draws there; in process when workers are off', async () => {
    assert.ok(
      existsSync(path.join(path.dirname(BUILT_CLI), 'mediaWorker.js')),
      'dist/mediaWorker.js is built with the CLI',
    );
    const p = await createProject(simpleProject(3), simpleFiles);
    open.push(p);
    const withWorkers = await render(p.file, {});
    assert.equal(withWorkers.code, 0, withWorkers.stderr);
    assert.match(withWorkers.stderr, /frame drawn in a media worker thread/);
    const inProcess = await render(p.file, { DAILIES_MEDIA_WORKERS: '0' });
    assert.equal(inProcess.code, 0, inProcess.stderr);
    assert.match(inProcess.stderr, /frame drawn in process/);
    assert.doesNotMatch(inProcess.stderr, /media worker thread/);
  });
});
