// Which Chromium the webview tests, the storyboard benchmark and the VS Code end-to-end run drive.
// `npm test` must pass on a machine with nothing apt-installed, so the order is:
//   1. DAILIES_CHROMIUM: a path to a Chromium/Chrome executable, or `bundled` for the npm one below
//      (DAILIES_E2E_CHROMIUM, its old name, is still read);
//   2. a system Chromium or Chrome (Debian's /usr/bin/chromium, Chrome on macOS/Windows, or one on PATH);
//   3. the headless Chromium inside the @sparticuz/chromium package (linux-x64 only), unpacked once per
//      version into node_modules/.cache (or DAILIES_CHROMIUM_CACHE) with its own NSS libraries and fonts,
//      so it needs no apt package.
// Always headless and with nothing that reaches for the network (this machine's network is closed:
// background fetches would fail loudly, many at a time).
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
} from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLED_PACKAGE = '@sparticuz/chromium';

export type ChromiumSource = 'env' | 'system' | 'bundled';

/** What to launch: the executable, where it came from, and the environment it needs. */
export interface Chromium {
  executablePath: string;
  source: ChromiumSource;
  /** Extra environment for the browser process (the bundled one's libraries and fonts). */
  env: Record<string, string>;
}

/** Where to look; every field defaults to this machine (tests pass their own). */
export interface Lookup {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
  /** True if the path is an executable file. */
  isExecutable?: (file: string) => boolean;
}

/** The outcome of the lookup before anything is unpacked: a path to use as is, or the npm browser. */
export type Choice = { kind: 'path'; path: string; source: 'env' | 'system' } | { kind: 'bundled' };

/** Well-known install locations, tried before PATH. */
function systemCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    ];
  }
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter(
      (r): r is string => !!r,
    );
    return roots.map((r) => path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ];
}

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function defaultIsExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Picks the browser without touching the disk beyond `isExecutable`. Throws with a way out. */
export function chooseChromium(lookup: Lookup = {}): Choice {
  const env = lookup.env ?? process.env;
  const platform = lookup.platform ?? process.platform;
  const arch = lookup.arch ?? process.arch;
  const isExecutable = lookup.isExecutable ?? defaultIsExecutable;
  const bundledFits = platform === 'linux' && arch === 'x64';

  const named = env['DAILIES_CHROMIUM'] || env['DAILIES_E2E_CHROMIUM'];
  if (named === 'bundled') {
    if (!bundledFits) {
      throw new Error(
        `DAILIES_CHROMIUM=bundled: ${BUNDLED_PACKAGE} only carries linux-x64, not ${platform}-${arch}`,
      );
    }
    return { kind: 'bundled' };
  }
  if (named) {
    // A named browser that is missing is an error, never a silent fallback to another browser.
    if (!isExecutable(named)) throw new Error(`DAILIES_CHROMIUM=${named} is not an executable file`);
    return { kind: 'path', path: named, source: 'env' };
  }
  for (const file of systemCandidates(platform, env)) {
    if (isExecutable(file)) return { kind: 'path', path: file, source: 'system' };
  }
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const dirs = (env['PATH'] ?? '').split(pathApi.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const name of PATH_NAMES) {
      const file = pathApi.join(dir, platform === 'win32' ? `${name}.exe` : name);
      if (isExecutable(file)) return { kind: 'path', path: file, source: 'system' };
    }
  }
  if (bundledFits) return { kind: 'bundled' };
  throw new Error(
    `no Chromium or Chrome found on this ${platform}-${arch} machine: install one, or set ` +
      'DAILIES_CHROMIUM to its executable',
  );
}

let resolved: Promise<Chromium> | undefined;

/** The browser to launch, unpacking the npm one on first use (once per process). */
export function resolveChromium(): Promise<Chromium> {
  resolved ??= resolveOnce();
  return resolved;
}

async function resolveOnce(): Promise<Chromium> {
  const choice = chooseChromium();
  if (choice.kind === 'path') return { executablePath: choice.path, source: choice.source, env: {} };
  const dir = await unpackBundled();
  return {
    executablePath: path.join(dir, 'chromium'),
    source: 'bundled',
    env: {
      // The package's own NSS (built for the same Chromium), so no libnss3 from apt is needed.
      LD_LIBRARY_PATH: [path.join(dir, 'lib'), process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
  };
}

/** Options for playwright-core's `chromium.launch()`. */
export async function chromiumLaunchOptions(): Promise<{
  executablePath: string;
  args: string[];
  env?: Record<string, string>;
}> {
  const c = await resolveChromium();
  if (Object.keys(c.env).length === 0) return { executablePath: c.executablePath, args: CHROMIUM_ARGS };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { executablePath: c.executablePath, args: CHROMIUM_ARGS, env: { ...env, ...c.env } };
}

/** The folder of the installed @sparticuz/chromium package. */
function bundledPackageDir(): string {
  const require = createRequire(path.join(REPO, 'package.json'));
  let dir = path.dirname(require.resolve(BUNDLED_PACKAGE));
  while (!existsSync(path.join(dir, 'package.json')) || !isPackage(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${BUNDLED_PACKAGE}`);
    dir = up;
  }
  return dir;
}

function isPackage(file: string): boolean {
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === BUNDLED_PACKAGE;
}

/**
 * Unpacks chromium.br, the fonts and the NSS libraries into node_modules/.cache/dailies-chromium/<version>.
 * Test files run in parallel processes: each unpacks into its own temporary folder and renames it into
 * place, so a folder that exists is complete, and a loser of the race just uses the winner's.
 */
export async function unpackBundled(): Promise<string> {
  const pkgDir = bundledPackageDir();
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache =
    process.env['DAILIES_CHROMIUM_CACHE'] || path.join(REPO, 'node_modules', '.cache', 'dailies-chromium');
  const dir = path.join(cache, version);
  if (existsSync(path.join(dir, 'chromium'))) return dir;
  const tmp = path.join(cache, `${version}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    const bin = path.join(pkgDir, 'bin');
    await pipeline(
      createReadStream(path.join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(path.join(tmp, 'chromium'), { mode: 0o755 }),
    );
    await untarBrotli(path.join(bin, 'al2023.tar.br'), tmp); // lib/: libnss3 and friends
    await untarBrotli(path.join(bin, 'fonts.tar.br'), tmp); // fonts/: Open Sans (the package's fonts.conf points at /tmp)
    await writeFile(path.join(tmp, 'fonts.conf'), fontsConf(dir));
    try {
      await rename(tmp, dir);
    } catch (err) {
      if (!existsSync(path.join(dir, 'chromium'))) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** The machine's fonts when it has any, plus the package's, so text renders on a machine with none. */
function fontsConf(dir: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(dir, 'fonts')}</dir>
  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>
</fontconfig>
`;
}

/**
 * Extracts a brotli-compressed tarball (small: the fonts and the NSS libraries) without a `tar` binary.
 * Only what these archives hold: regular files and folders, ustar names, nothing outside `into`.
 */
async function untarBrotli(file: string, into: string): Promise<void> {
  const tar = brotliDecompressSync(await readFile(file));
  const field = (at: number, length: number): string =>
    tar
      .subarray(at, at + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = field(at, 100);
    if (name === '') break; // the end-of-archive blocks
    const prefix = field(at + 345, 155);
    const rel = path.posix.normalize(prefix ? `${prefix}/${name}` : name);
    const size = Number.parseInt(field(at + 124, 12).trim() || '0', 8);
    const type = field(at + 156, 1) || '0';
    if (rel.startsWith('../') || path.posix.isAbsolute(rel) || !Number.isFinite(size)) {
      throw new Error(`${path.basename(file)}: refusing entry ${rel}`);
    }
    const target = path.join(into, rel);
    if (type === '5') await mkdir(target, { recursive: true });
    else if (type === '0') {
      await mkdir(path.dirname(target), { recursive: true });
      const mode = Number.parseInt(field(at + 100, 8).trim() || '644', 8) & 0o755;
      await writeFile(target, tar.subarray(at + 512, at + 512 + size), { mode });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
