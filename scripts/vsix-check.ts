// Verifies a platform VSIX: its native binaries are all for its own platform (read from the binaries'
// headers, not guessed from names), each native dependency's packages for that platform are there, and
// nothing a user does not run ships (sources, maps, type declarations, ESM duplicates, the CLI).
//   node --import tsx scripts/vsix-check.ts dist/dailies-linux-x64.vsix [...]   (the target is read from the manifest)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { NATIVE, TARGETS } from './targets';

/** Every file of a zip: name → bytes (stored or deflated entries; a VSIX is never zip64). */
export function readZip(buf: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    if (method !== 0 && method !== 8) throw new Error(`${name}: unsupported compression ${method}`);
    if (!name.endsWith('/')) files.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at = next;
  }
  return files;
}

const ELF_MACHINE: Record<number, string> = { 62: 'x64', 183: 'arm64', 3: 'ia32', 40: 'arm' };
const MACHO_CPU: Record<number, string> = { 16777223: 'x64', 16777228: 'arm64', 7: 'ia32', 12: 'arm' };
const PE_MACHINE: Record<number, string> = { 34404: 'x64', 43620: 'arm64', 332: 'ia32' };

/**
 * The platforms a native binary runs on, from its header (`linux-x64`, `darwin-arm64`, `win32-x64`, …),
 * or undefined when the bytes are not an ELF, Mach-O or PE file. A universal Mach-O lists each slice.
 */
export function nativePlatforms(bytes: Buffer): string[] | undefined {
  if (bytes.length < 64) return undefined;
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    const osabi = bytes[7];
    const os = osabi === 9 ? 'freebsd' : 'linux';
    const machine = bytes[5] === 2 ? bytes.readUInt16BE(18) : bytes.readUInt16LE(18);
    return [`${os}-${ELF_MACHINE[machine] ?? `machine${machine}`}`];
  }
  const magic = bytes.readUInt32LE(0);
  if (magic === 0xfeedfacf || magic === 0xfeedface) {
    const cpu = bytes.readUInt32LE(4);
    return [`darwin-${MACHO_CPU[cpu] ?? `cpu${cpu}`}`];
  }
  if (bytes.readUInt32BE(0) === 0xcafebabe) {
    const slices = bytes.readUInt32BE(4);
    // Java class files share this magic; their "count" is a version number far above any slice count.
    if (slices > 0 && slices < 16 && bytes.length >= 8 + slices * 20) {
      return Array.from({ length: slices }, (_, i) => {
        const cpu = bytes.readUInt32BE(8 + i * 20);
        return `darwin-${MACHO_CPU[cpu] ?? `cpu${cpu}`}`;
      });
    }
  }
  if (bytes.readUInt16LE(0) === 0x5a4d) {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 <= bytes.length && bytes.readUInt32LE(pe) === 0x00004550) {
      const machine = bytes.readUInt16LE(pe + 4);
      return [`win32-${PE_MACHINE[machine] ?? `machine${machine}`}`];
    }
  }
  return undefined;
}

/** Paths (inside the VSIX) that must never ship, with the reason. */
const FORBIDDEN: [RegExp, string][] = [
  [/\.map$/, 'a source map'],
  [/\.d\.[cm]?ts$/, 'a type declaration'],
  [/(?<!\.d)\.(?:ts|tsx)$|\.(?:cc|cpp|c|h|hpp)$/, 'source code'],
  [/\.gypi?$/, 'a native build file'],
  [/^extension\/node_modules\/.*\.mjs$/, "an ESM duplicate of a dependency's CommonJS build"],
  [/^extension\/dist\/cli\.js$/, 'the CLI (not part of the extension)'],
  [/\.meta\.json$/, 'an esbuild metafile'],
  [/^extension\/(?:src|test|bench|scripts|webview-ui|examples)\//, 'a repository folder'],
  [/^extension\/node_modules\/\.bin\//, 'an npm bin link'],
  [/(?:^|\/)package-lock\.json$/, 'a lock file'],
];

const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/mediaWorker.js',
  'extension/dist/webview/storyboard.js',
  'extension/dist/webview/metrics.js',
  'extension/schemas/project.dailies.schema.json',
];

/** The npm package a VSIX path belongs to (`@img/sharp-linux-x64`), or undefined outside node_modules. */
function packageOf(file: string): string | undefined {
  const m = /^extension\/(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return m?.[1];
}

/** Image sources in markdown and HTML that are neither data: nor https: URLs. */
function relativeImages(markdown: string): string[] {
  const sources = [
    ...[...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)/g)].map((m) => m[1] ?? ''),
    ...[...markdown.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => m[1] ?? ''),
  ];
  return sources.filter((s) => !/^(?:data:image\/(?:png|jpeg|gif|webp);|https:)/i.test(s));
}

/**
 * Everything wrong with a VSIX for `target` (empty when it is right). `files` is readZip()'s map, so
 * tests can check a VSIX they assemble in memory.
 */
export function checkVsix(files: Map<string, Buffer>, target: string): string[] {
  const problems: string[] = [];
  if (!(target in TARGETS)) return [`unknown target ${target}`];
  const manifest = files.get('extension.vsixmanifest')?.toString('utf8') ?? '';
  const declared = /TargetPlatform="([^"]+)"/.exec(manifest)?.[1];
  if (declared !== target) problems.push(`manifest declares target ${declared ?? '(none)'}, not ${target}`);
  for (const file of REQUIRED) if (!files.has(file)) problems.push(`missing ${file}`);

  const binaries = new Map<string, string[]>(); // package → native binaries for the target in it
  for (const [file, bytes] of files) {
    for (const [pattern, reason] of FORBIDDEN) if (pattern.test(file)) problems.push(`${file}: ${reason}`);
    const platforms = nativePlatforms(bytes);
    if (platforms) {
      const foreign = platforms.filter((p) => p !== target);
      if (foreign.length) problems.push(`${file}: native binary for ${foreign.join(', ')}, not ${target}`);
      else {
        const pkg = packageOf(file) ?? '(extension)';
        binaries.set(pkg, [...(binaries.get(pkg) ?? []), file]);
      }
    }
    const pkg = packageOf(file);
    for (const native of NATIVE) {
      const platform = pkg ? native.perPlatform.exec(pkg)?.[1] : undefined;
      if (platform && platform !== target) {
        problems.push(`${file}: from ${pkg}, ${native.dependency}'s package for ${platform}`);
      }
    }
  }
  for (const native of NATIVE) {
    if (![...files.keys()].some((f) => packageOf(f) === native.dependency)) {
      problems.push(`missing the ${native.dependency} package`);
    }
    for (const pkg of native.binariesIn(target)) {
      if (!binaries.get(pkg)?.length) problems.push(`no ${target} native binary in ${pkg}`);
    }
  }
  // Each dependency carries its licence notice (a LICENSE file, or a README with a licensing section).
  const noticed = new Set<string>();
  for (const [file, bytes] of files) {
    const pkg = packageOf(file);
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (!pkg || file !== `${file.slice(0, file.lastIndexOf(pkg) + pkg.length)}/${base}`) continue;
    if (
      /^(?:licen[cs]e|copying)/i.test(base) ||
      (/^readme/i.test(base) && /licen[cs]/i.test(bytes.toString('utf8')))
    ) {
      noticed.add(pkg);
    }
  }
  for (const pkg of new Set([...files.keys()].map(packageOf).filter((p): p is string => !!p))) {
    if (!noticed.has(pkg)) problems.push(`${pkg} ships without its licence notice`);
  }
  const readme = files.get('extension/readme.md')?.toString('utf8') ?? '';
  for (const src of relativeImages(readme)) {
    problems.push(
      `readme image ${src.slice(0, 60)} is not a data: or https: URL (broken on the details page)`,
    );
  }
  return [...new Set(problems)];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let failed = false;
  for (const vsix of process.argv.slice(2)) {
    const files = readZip(readFileSync(vsix));
    const manifest = files.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    const target = /TargetPlatform="([^"]+)"/.exec(manifest)?.[1] ?? '(none)';
    const problems = checkVsix(files, target);
    console.log(`${problems.length ? '✘' : '✔'} ${vsix} (${target}, ${files.size} files)`);
    for (const p of problems) console.log(`    ${p}`);
    failed ||= problems.length > 0;
  }
  process.exit(failed ? 1 : 0);
}
