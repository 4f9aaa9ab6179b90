// Draft frames carry text (shot id, scene, prompt, cast), drawn by sharp's librsvg through fontconfig.
// On a machine with no fonts every glyph is the same empty box, so Dailies ships DejaVu Sans
// (media/fonts, licence beside it) and, before sharp first loads, points fontconfig at a small
// configuration that includes the user's or the system's own and adds the bundled folder. Nothing is
// replaced: fonts the machine has stay available, and the frames look the same on every platform.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MARKER = 'DejaVuSans.ttf';

export interface FontconfigOptions {
  fontsDir: string;
  cacheDir: string;
  platform: NodeJS.Platform;
  home: string;
  /** The FONTCONFIG_FILE the user had, if any: included instead of the system configuration. */
  userConfig?: string;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The configuration file's text. */
export function fontconfigXml(o: FontconfigOptions): string {
  const include = o.userConfig ?? '/etc/fonts/fonts.conf';
  // sharp's prebuilt fontconfig on macOS and Windows may know no system folder of its own.
  const system =
    o.platform === 'darwin'
      ? ['/System/Library/Fonts', '/Library/Fonts', path.posix.join(o.home, 'Library', 'Fonts')]
      : o.platform === 'win32'
        ? ['WINDOWSFONTDIR']
        : [];
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <include ignore_missing="yes">${xml(include)}</include>`,
    ...system.map((d) => `  <dir>${xml(d)}</dir>`),
    `  <dir>${xml(o.fontsDir)}</dir>`,
    `  <cachedir>${xml(o.cacheDir)}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/** media/fonts beside the bundle (dist/extension.js, dist/cli.js) or the source tree, if it is there. */
export function bundledFontsDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'media', 'fonts');
    if (existsSync(path.join(candidate, MARKER))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

let done = false;

/**
 * Points fontconfig at the bundled fonts. Call before sharp renders its first text (fontconfig reads
 * its configuration once per process); later calls do nothing. Never throws: without it text falls back
 * to whatever the machine has.
 */
export function useBundledFonts(env: NodeJS.ProcessEnv = process.env): void {
  if (done) return;
  done = true;
  try {
    const fontsDir = bundledFontsDir();
    if (!fontsDir) return;
    const base = path.join(os.tmpdir(), 'dailies-fontconfig');
    const text = fontconfigXml({
      fontsDir,
      cacheDir: path.join(base, 'cache'),
      platform: process.platform,
      home: os.homedir(),
      userConfig: env['FONTCONFIG_FILE'] || undefined,
    });
    // Named by content: processes with the same fonts share one file, and a written file never changes.
    const file = path.join(
      base,
      `fonts-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.conf`,
    );
    if (!existsSync(file)) {
      mkdirSync(base, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    }
    env['FONTCONFIG_FILE'] = file;
  } catch {
    // A read-only temp folder: text uses the machine's own fonts, as before.
  }
}
