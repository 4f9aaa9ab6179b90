// Builds one VSIX per platform, each with only its own native binaries:
//   node --import tsx scripts/package.ts          this machine's target (npm run package)
//   node --import tsx scripts/package.ts --all    linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64
//   node --import tsx scripts/package.ts --target=darwin-arm64,win32-x64
// For each target, dist/stage/<target>/ gets the production dependencies installed by `npm ci` from the
// committed lock with npm's --os/--cpu/--libc (so the other platforms' optional packages come from the
// registry or npm's cache), pruned to what runs; then the built extension, and a README whose images
// are inlined. vsce packages the stage; scripts/vsix-check.ts verifies the result, and the VSIX for this
// machine also has its sharp loaded and run from the unpacked VSIX.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedReadme } from './readme';
import { hostTarget, NATIVE, TARGETS } from './targets';
import { checkVsix, readZip } from './vsix-check';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const targetArg = args.find((a) => a.startsWith('--target='))?.slice('--target='.length);
const targets = args.includes('--all')
  ? Object.keys(TARGETS)
  : targetArg
    ? targetArg.split(',')
    : [hostTarget() ?? fail(`no Dailies target for ${process.platform}-${process.arch}; pass --target=`)];
for (const t of targets)
  if (!(t in TARGETS)) fail(`unknown target ${t} (known: ${Object.keys(TARGETS).join(', ')})`);

/** What the extension needs at run time, besides its production node_modules. */
const SHIPPED = [
  'dist/extension.js',
  'dist/mediaWorker.js',
  'dist/webview',
  'media',
  'schemas',
  'LICENSE',
  '.vscodeignore',
];

/**
 * Files in dependencies that nothing loads at run time. LICENSE and README files stay: they carry the
 * licence notices (libvips' README lists the licences of every library in its binary).
 */
const DEAD_WEIGHT = [
  /\.mjs$/, // ESM twins of the CommonJS builds the bundled extension requires
  /\.d\.[cm]?ts$/,
  /\.test-d\.ts$/, // @ffmpeg-installer/ffmpeg's type tests
  /~$/, // editor backups published by @ffmpeg-installer/ffmpeg (index.js~, download.sh~…)
  /\.map$/,
  /\.(?:cc|cpp|c|h|hpp|gyp|gypi)$/,
  /(?:^|\/)(?:install|bin)\/[^/]+\.js$/, // sharp's build-from-source step, semver's command line
];

function fail(message: string): never {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(cmd: string, argv: string[], cwd: string): void {
  execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Every package folder under a node_modules tree (scoped and nested ones included). */
function packageDirs(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules).flatMap((name): string[] => {
    if (name.startsWith('.')) return [];
    const dir = path.join(nodeModules, name);
    if (name.startsWith('@')) {
      return readdirSync(dir).flatMap((sub) => [
        path.join(dir, sub),
        ...packageDirs(path.join(dir, sub, 'node_modules')),
      ]);
    }
    return [dir, ...packageDirs(path.join(dir, 'node_modules'))];
  });
}

/** The folders reachable from the stage's `dependencies` the way node resolves them. */
function reachable(stage: string): Set<string> {
  const seen = new Set<string>();
  const visit = (fromDir: string, name: string): void => {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) {
        if (seen.has(candidate)) return;
        seen.add(candidate);
        const pkg = readJson(path.join(candidate, 'package.json'));
        for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }))
          visit(candidate, dep);
        return;
      }
      if (dir === stage) return; // not installed: an optional package for another platform
    }
  };
  const root = readJson(path.join(stage, 'package.json'));
  for (const dep of Object.keys(root.dependencies ?? {})) visit(stage, dep);
  return seen;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

function readJson(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Removes packages nothing requires (npm leaves some behind) and files nothing loads. */
function prune(stage: string): void {
  const nodeModules = path.join(stage, 'node_modules');
  const keep = reachable(stage);
  for (const dir of packageDirs(nodeModules)) {
    if (!keep.has(dir) && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) rmSync(path.join(nodeModules, entry), { recursive: true, force: true });
  }
  for (const file of filesUnder(nodeModules)) {
    const rel = path.relative(nodeModules, file).split(path.sep).join('/');
    if (DEAD_WEIGHT.some((re) => re.test(rel))) rmSync(file);
  }
  // Folders emptied above (e.g. libvips' include/) would otherwise ship as empty entries.
  const removeEmpty = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) removeEmpty(path.join(dir, e.name));
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  };
  removeEmpty(nodeModules);
}

function stageTarget(target: string): string {
  const { os, cpu, libc } = TARGETS[target] ?? fail(`unknown target ${target}`);
  const stage = path.join(REPO, 'dist', 'stage', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(path.join(REPO, 'package.json'), path.join(stage, 'package.json'));
  cpSync(path.join(REPO, 'package-lock.json'), path.join(stage, 'package-lock.json'));
  const platform = [`--os=${os}`, `--cpu=${cpu}`, ...(libc ? [`--libc=${libc}`] : [])];
  run(
    'npm',
    [
      'ci',
      '--omit=dev',
      ...platform,
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      '--prefer-offline',
    ],
    stage,
  );
  // The manifest that ships: no scripts, no dev dependencies, no `bin` pointing at the CLI it does not carry.
  const manifest = readJson(path.join(REPO, 'package.json'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.bin;
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(path.join(stage, 'package-lock.json'));
  prune(stage);
  addNotices(stage, target);
  for (const entry of SHIPPED) cpSync(path.join(REPO, entry), path.join(stage, entry), { recursive: true });
  writeFileSync(
    path.join(stage, 'README.md'),
    packagedReadme(readFileSync(path.join(REPO, 'README.md'), 'utf8'), REPO),
  );
  return stage;
}

/** A LICENSE for each native package that ships none (the GPL ffmpeg build must travel with its licence). */
function addNotices(stage: string, target: string): void {
  for (const native of NATIVE) {
    for (const [pkg, parts] of Object.entries(native.notices?.(target) ?? {})) {
      const dir = path.join(stage, 'node_modules', ...pkg.split('/'));
      if (!existsSync(dir)) continue;
      const text = parts
        .map((f) => readFileSync(path.join(REPO, 'scripts', 'licenses', f), 'utf8'))
        .join('\n');
      writeFileSync(path.join(dir, 'LICENSE'), text);
    }
  }
}

/** Loads sharp from the unpacked VSIX and makes a thumbnail: the pruned dependency tree still works. */
function smokeTest(files: Map<string, Buffer>): void {
  const dir = path.join(tmpdir(), `dailies-vsix-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  try {
    for (const [name, bytes] of files) {
      if (!name.startsWith('extension/node_modules/')) continue;
      const out = path.join(dir, name);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, bytes);
    }
    const script = `
      const sharp = require(${JSON.stringify(path.join(dir, 'extension/node_modules/sharp'))});
      sharp({ create: { width: 64, height: 32, channels: 3, background: '#336699' } })
        .webp().toBuffer().then((b) => sharp(b).metadata())
        .then((m) => { if (m.format !== 'webp' || m.width !== 64) throw new Error(JSON.stringify(m)); })
        .catch((e) => { console.error(e); process.exit(1); });`;
    run(process.execPath, ['-e', script], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): number {
  run(process.execPath, ['esbuild.mjs', '--production'], REPO);
  const vsce = path.join(
    path.dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')),
    'vsce',
  );
  let failed = false;
  for (const target of targets) {
    console.log(`\n── ${target}`);
    const stage = stageTarget(target);
    const out = path.join(REPO, 'dist', `dailies-${target}.vsix`);
    // --no-rewrite-relative-links: the README's images are data: URLs (see scripts/readme.ts), which
    // vsce's rewriting step rejects; there is no public repository to rewrite links against.
    run(
      process.execPath,
      [vsce, 'package', '--target', target, '--no-rewrite-relative-links', '--out', out],
      stage,
    );
    const files = readZip(readFileSync(out));
    const problems = checkVsix(files, target);
    if (target === hostTarget() && problems.length === 0) smokeTest(files);
    const size = (statSync(out).size / 1024 / 1024).toFixed(2);
    console.log(
      `${problems.length ? '✘' : '✔'} ${path.relative(REPO, out)}: ${files.size} files, ${size} MB`,
    );
    for (const p of problems) console.log(`    ${p}`);
    failed ||= problems.length > 0;
  }
  return failed ? 1 : 0;
}

process.exit(main());
