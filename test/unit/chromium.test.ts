// The browser lookup behind the webview suites: `npm test` must pass on a machine with nothing
// apt-installed, so with no system Chromium the lookup falls back to the one inside @sparticuz/chromium,
// and that one really launches (from a clean cache, two processes at once, as parallel test files do).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { chooseChromium } from '../helpers/chromium';

const PROBE = path.join(__dirname, '..', 'helpers', 'chromiumProbe.ts');

/** A fake file system where exactly these paths are executables. */
function only(...files: string[]): (file: string) => boolean {
  return (file) => files.includes(file);
}

describe('chooseChromium', () => {
  it('takes the npm browser on a linux-x64 machine with no system Chromium', () => {
    const choice = chooseChromium({
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      platform: 'linux',
      arch: 'x64',
      isExecutable: only(),
    });
    assert.deepEqual(choice, { kind: 'bundled' });
  });

  it("prefers Debian's /usr/bin/chromium when it is there", () => {
    const choice = chooseChromium({
      env: { PATH: '/usr/bin' },
      platform: 'linux',
      arch: 'x64',
      isExecutable: only('/usr/bin/chromium'),
    });
    assert.deepEqual(choice, { kind: 'path', path: '/usr/bin/chromium', source: 'system' });
  });

  it('finds a Chrome on PATH', () => {
    const choice = chooseChromium({
      env: { PATH: '/opt/a:/opt/chrome/bin' },
      platform: 'linux',
      arch: 'arm64',
      isExecutable: only('/opt/chrome/bin/google-chrome'),
    });
    assert.deepEqual(choice, { kind: 'path', path: '/opt/chrome/bin/google-chrome', source: 'system' });
  });

  it('finds Chrome on macOS and Windows', () => {
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    assert.deepEqual(
      chooseChromium({ env: {}, platform: 'darwin', arch: 'arm64', isExecutable: only(mac) }),
      { kind: 'path', path: mac, source: 'system' },
    );
    const win = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    assert.deepEqual(
      chooseChromium({
        env: { PROGRAMFILES: 'C:\\Program Files' },
        platform: 'win32',
        arch: 'x64',
        isExecutable: only(win),
      }),
      { kind: 'path', path: win, source: 'system' },
    );
  });

  it('DAILIES_CHROMIUM overrides the system browser, and `bundled` forces the npm one', () => {
    const system = only('/usr/bin/chromium', '/opt/my/chrome');
    assert.deepEqual(
      chooseChromium({
        env: { DAILIES_CHROMIUM: '/opt/my/chrome' },
        platform: 'linux',
        arch: 'x64',
        isExecutable: system,
      }),
      { kind: 'path', path: '/opt/my/chrome', source: 'env' },
    );
    assert.deepEqual(
      chooseChromium({
        env: { DAILIES_CHROMIUM: 'bundled' },
        platform: 'linux',
        arch: 'x64',
        isExecutable: system,
      }),
      { kind: 'bundled' },
    );
    // The old name still works.
    assert.deepEqual(
      chooseChromium({
        env: { DAILIES_E2E_CHROMIUM: '/opt/my/chrome' },
        platform: 'linux',
        arch: 'x64',
        isExecutable: system,
      }),
      { kind: 'path', path: '/opt/my/chrome', source: 'env' },
    );
  });

  it('a named browser that is missing is an error, not a silent switch to another one', () => {
    assert.throws(
      () =>
        chooseChromium({
          env: { DAILIES_CHROMIUM: '/nowhere/chromium' },
          platform: 'linux',
          arch: 'x64',
          isExecutable: only('/usr/bin/chromium'),
        }),
      /DAILIES_CHROMIUM=\/nowhere\/chromium is not an executable file/,
    );
  });

  it('says what to do where the npm browser does not exist (it carries linux-x64 only)', () => {
    assert.throws(
      () =>
        chooseChromium({
          env: { PATH: '/usr/bin' },
          platform: 'darwin',
          arch: 'arm64',
          isExecutable: only(),
        }),
      /no Chromium or Chrome found on this darwin-arm64 machine: install one, or set DAILIES_CHROMIUM/,
    );
    assert.throws(
      () =>
        chooseChromium({
          env: { DAILIES_CHROMIUM: 'bundled' },
          platform: 'linux',
          arch: 'arm64',
          isExecutable: only(),
        }),
      /only carries linux-x64/,
    );
  });
});

interface Probe {
  executablePath: string;
  source: string;
  version: string;
  text: string;
  widths: { narrow: number; wide: number };
}

function probe(env: NodeJS.ProcessEnv): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`probe exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Probe);
    });
  });
}

describe('the npm browser', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, () => {
  const cache = mkdtempSync(path.join(tmpdir(), 'dailies-chromium-'));
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('unpacks from a clean cache in two processes at once and draws text', async () => {
    // PATH without /usr/bin would also hide node's tools; DAILIES_CHROMIUM=bundled is the same switch
    // the lookup takes when no system browser exists (see the chooseChromium tests above).
    const env = { DAILIES_CHROMIUM: 'bundled', DAILIES_CHROMIUM_CACHE: cache };
    const [a, b] = await Promise.all([probe(env), probe(env)]);
    for (const run of [a, b]) {
      assert.equal(run.source, 'bundled');
      assert.ok(run.executablePath.startsWith(cache), run.executablePath);
      assert.notEqual(run.executablePath, '/usr/bin/chromium');
      assert.match(run.version, /^143\./);
      assert.equal(run.text, 'Dailies');
      // Text is drawn with real glyphs (the package's own fonts where the machine has none).
      assert.ok(run.widths.narrow > 0 && run.widths.narrow < run.widths.wide / 2, JSON.stringify(run.widths));
    }
    // One complete folder; no temporary folder of the losing process is left behind.
    const entries = readdirSync(cache);
    assert.equal(entries.length, 1, entries.join(', '));
    assert.match(entries[0] ?? '', /^\d+\.\d+\.\d+$/);
    assert.ok(existsSync(path.join(cache, entries[0] ?? '', 'chromium')));
  });
});
