// Draft frames carry their shot id, scene, prompt and cast as text, drawn by sharp through fontconfig.
// On a machine without fonts (a bare Debian, a container, CI without fonts-dejavu) every glyph used to
// be the same empty box, so frames lost their labels. Dailies ships DejaVu Sans and adds it to the
// machine's fonts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fontconfigXml } from '../../src/core/media/fonts';

const PROBE = path.join(__dirname, '..', 'helpers', 'textProbe.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'dailies-fonts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  widths: { narrow: number; wide: number; bold: number };
  fontconfigFile: string | null;
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

describe('draft text on a machine without fonts', () => {
  it('is drawn with real glyphs, regular and bold', async () => {
    // A fontconfig configuration that knows no font at all: what a machine without fonts has.
    const empty = path.join(dir, 'empty.conf');
    writeFileSync(
      empty,
      `<?xml version="1.0"?>\n<fontconfig><cachedir>${dir}/cache</cachedir></fontconfig>\n`,
    );
    const { widths, fontconfigFile } = await probe({ FONTCONFIG_FILE: empty });
    // Eight i's are far narrower than eight M's in any real face; missing-glyph boxes are all alike.
    assert.ok(widths.narrow < widths.wide / 2, JSON.stringify(widths));
    assert.ok(widths.bold > widths.wide, `bold face found: ${JSON.stringify(widths)}`);
    // The user's own configuration is still read (included), not replaced.
    assert.notEqual(fontconfigFile, empty);
  });
});

describe('fontconfigXml', () => {
  it("includes the user's configuration, else the system one, and adds the bundled fonts", () => {
    const linux = fontconfigXml({
      fontsDir: '/ext/media/fonts',
      cacheDir: '/tmp/c',
      platform: 'linux',
      home: '/home/u',
    });
    assert.match(linux, /<include ignore_missing="yes">\/etc\/fonts\/fonts\.conf<\/include>/);
    assert.match(linux, /<dir>\/ext\/media\/fonts<\/dir>/);
    assert.match(linux, /<cachedir>\/tmp\/c<\/cachedir>/);
    const own = fontconfigXml({
      fontsDir: '/f',
      cacheDir: '/c',
      platform: 'linux',
      home: '/home/u',
      userConfig: '/home/u/my fonts & more.conf',
    });
    assert.match(own, /<include ignore_missing="yes">\/home\/u\/my fonts &amp; more\.conf<\/include>/);
    assert.doesNotMatch(own, /\/etc\/fonts/);
  });

  it("adds the system font folders of macOS and Windows, which sharp's fontconfig may not know", () => {
    const mac = fontconfigXml({ fontsDir: '/f', cacheDir: '/c', platform: 'darwin', home: '/Users/u' });
    for (const d of ['/System/Library/Fonts', '/Library/Fonts', '/Users/u/Library/Fonts']) {
      assert.ok(mac.includes(`<dir>${d}</dir>`), d);
    }
    const win = fontconfigXml({
      fontsDir: 'C:\\f',
      cacheDir: 'C:\\c',
      platform: 'win32',
      home: 'C:\\Users\\u',
    });
    assert.ok(win.includes('<dir>WINDOWSFONTDIR</dir>'));
  });
});
