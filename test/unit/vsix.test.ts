// The checks every platform VSIX must pass (scripts/vsix-check.ts, run by `npm run package`): native
// binaries recognised by their headers, another platform's binary or package refused, nothing that does
// not run shipped, licences kept, README images that load on the details page.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { packagedReadme } from '../../scripts/readme';
import { checkVsix, nativePlatforms, readZip } from '../../scripts/vsix-check';

/** The first bytes of a native binary for a platform, padded to a plausible header length. */
function binary(platform: string): Buffer {
  const b = Buffer.alloc(256);
  const [os, arch] = platform.split('-');
  if (os === 'linux') {
    b.writeUInt32BE(0x7f454c46, 0);
    b[4] = 2; // 64-bit
    b[5] = 1; // little-endian
    b.writeUInt16LE(arch === 'arm64' ? 0xb7 : 0x3e, 18);
  } else if (os === 'darwin') {
    b.writeUInt32LE(0xfeedfacf, 0);
    b.writeUInt32LE(arch === 'arm64' ? 0x0100000c : 0x01000007, 4);
  } else {
    b.writeUInt16LE(0x5a4d, 0);
    b.writeUInt32LE(0x80, 0x3c);
    b.writeUInt32LE(0x00004550, 0x80);
    b.writeUInt16LE(arch === 'arm64' ? 0xaa64 : 0x8664, 0x84);
  }
  return b;
}

/** A VSIX for linux-x64 as the packaging produces it, minus the bulk. */
function goodVsix(target = 'linux-x64'): Map<string, Buffer> {
  const text = (s: string) => Buffer.from(s);
  const files = new Map<string, Buffer>([
    ['extension.vsixmanifest', text(`<Identity Id="dailies" TargetPlatform="${target}"/>`)],
    ['extension/package.json', text('{}')],
    ['extension/readme.md', text('# Dailies\n![shot](data:image/png;base64,iVBORw0KGgo=)\n')],
    ['extension/LICENSE.txt', text('MIT')],
    ['extension/dist/extension.js', text('')],
    ['extension/dist/mediaWorker.js', text('')],
    ['extension/dist/webview/storyboard.js', text('')],
    ['extension/dist/webview/metrics.js', text('')],
    ['extension/schemas/project.dailies.schema.json', text('{}')],
    ['extension/node_modules/sharp/package.json', text('{}')],
    ['extension/node_modules/sharp/LICENSE', text('Apache-2.0')],
    ['extension/node_modules/sharp/dist/index.cjs', text('')],
    [`extension/node_modules/@img/sharp-${target}/LICENSE`, text('Apache-2.0')],
    [`extension/node_modules/@img/sharp-${target}/lib/sharp-${target}-0.35.5.node`, binary(target)],
  ]);
  // The animatic's ffmpeg: the locator package and the target's static binary, each with the LICENSE the
  // packaging writes into it.
  files.set('extension/node_modules/@ffmpeg-installer/ffmpeg/index.js', text(''));
  files.set('extension/node_modules/@ffmpeg-installer/ffmpeg/LICENSE', text('LGPL-2.1'));
  const exe = target.startsWith('win32') ? 'ffmpeg.exe' : 'ffmpeg';
  files.set(`extension/node_modules/@ffmpeg-installer/${target}/${exe}`, binary(target));
  files.set(`extension/node_modules/@ffmpeg-installer/${target}/LICENSE`, text('GPL-3.0'));
  if (!target.startsWith('win32')) {
    files.set(`extension/node_modules/@img/sharp-libvips-${target}/README.md`, text('## Licensing\nLGPLv3'));
    files.set(`extension/node_modules/@img/sharp-libvips-${target}/lib/libvips-cpp.so`, binary(target));
  }
  return files;
}

describe('checkVsix', () => {
  it('accepts a VSIX with its own binaries for each of the five targets', () => {
    for (const target of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']) {
      assert.deepEqual(checkVsix(goodVsix(target), target), [], target);
    }
  });

  it("refuses another platform's binary, even under this platform's name", () => {
    const files = goodVsix();
    files.set(
      'extension/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node',
      binary('darwin-arm64'),
    );
    assert.deepEqual(checkVsix(files, 'linux-x64'), [
      'extension/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node: native binary for darwin-arm64, not linux-x64',
      'no linux-x64 native binary in @img/sharp-linux-x64',
    ]);
  });

  it("refuses another platform's package even when its binary would load here (musl vs glibc)", () => {
    const files = goodVsix();
    files.set('extension/node_modules/@img/sharp-linuxmusl-x64/lib/sharp.node', binary('linux-x64'));
    files.set('extension/node_modules/@img/sharp-linuxmusl-x64/LICENSE', Buffer.from('Apache-2.0'));
    const problems = checkVsix(files, 'linux-x64');
    assert.ok(
      problems.includes(
        "extension/node_modules/@img/sharp-linuxmusl-x64/lib/sharp.node: from @img/sharp-linuxmusl-x64, sharp's package for linuxmusl-x64",
      ),
      problems.join('\n'),
    );
  });

  it('refuses a VSIX without its ffmpeg, or with the ffmpeg of another platform', () => {
    const files = goodVsix();
    files.delete('extension/node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
    files.set('extension/node_modules/@ffmpeg-installer/darwin-arm64/ffmpeg', binary('darwin-arm64'));
    files.set('extension/node_modules/@ffmpeg-installer/darwin-arm64/LICENSE', Buffer.from('GPL-3.0'));
    const problems = checkVsix(files, 'linux-x64');
    assert.ok(
      problems.includes('no linux-x64 native binary in @ffmpeg-installer/linux-x64'),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          'extension/node_modules/@ffmpeg-installer/darwin-arm64/ffmpeg: native binary for darwin-arm64',
        ),
      ),
      problems.join('\n'),
    );
  });

  it('refuses a VSIX without its native binaries', () => {
    const files = goodVsix('darwin-arm64');
    files.delete('extension/node_modules/@img/sharp-libvips-darwin-arm64/lib/libvips-cpp.so');
    assert.deepEqual(checkVsix(files, 'darwin-arm64'), [
      'no darwin-arm64 native binary in @img/sharp-libvips-darwin-arm64',
    ]);
  });

  it('refuses sources, maps, type declarations, ESM duplicates and the CLI', () => {
    const files = goodVsix();
    for (const f of [
      'extension/node_modules/sharp/src/binding.gyp',
      'extension/node_modules/sharp/src/pipeline.cc',
      'extension/node_modules/sharp/dist/index.mjs',
      'extension/node_modules/sharp/dist/index.d.cts',
      'extension/dist/extension.js.map',
      'extension/dist/cli.js',
      'extension/src/core/render/engine.ts',
    ]) {
      files.set(f, Buffer.from('x'));
    }
    assert.deepEqual(checkVsix(files, 'linux-x64'), [
      'extension/node_modules/sharp/src/binding.gyp: a native build file',
      'extension/node_modules/sharp/src/pipeline.cc: source code',
      "extension/node_modules/sharp/dist/index.mjs: an ESM duplicate of a dependency's CommonJS build",
      'extension/node_modules/sharp/dist/index.d.cts: a type declaration',
      'extension/dist/extension.js.map: a source map',
      'extension/dist/cli.js: the CLI (not part of the extension)',
      'extension/src/core/render/engine.ts: source code',
      'extension/src/core/render/engine.ts: a repository folder',
    ]);
  });

  it('refuses a dependency shipped without its licence notice, and a mislabelled manifest', () => {
    const files = goodVsix();
    files.delete('extension/node_modules/@img/sharp-libvips-linux-x64/README.md');
    files.set('extension.vsixmanifest', Buffer.from('<Identity Id="dailies" TargetPlatform="linux-arm64"/>'));
    assert.deepEqual(checkVsix(files, 'linux-x64'), [
      'manifest declares target linux-arm64, not linux-x64',
      '@img/sharp-libvips-linux-x64 ships without its licence notice',
    ]);
  });

  it('refuses README images the details page cannot load (relative paths, http)', () => {
    const files = goodVsix();
    files.set(
      'extension/readme.md',
      Buffer.from(
        '![a](docs/screenshot.png)\n<img src="http://example.com/x.png">\n![ok](https://example.com/y.png)',
      ),
    );
    assert.deepEqual(checkVsix(files, 'linux-x64'), [
      'readme image docs/screenshot.png is not a data: or https: URL (broken on the details page)',
      'readme image http://example.com/x.png is not a data: or https: URL (broken on the details page)',
    ]);
  });
});

describe('nativePlatforms', () => {
  it('reads ELF, Mach-O (thin and universal) and PE headers, and nothing else', () => {
    assert.deepEqual(nativePlatforms(binary('linux-arm64')), ['linux-arm64']);
    assert.deepEqual(nativePlatforms(binary('darwin-x64')), ['darwin-x64']);
    assert.deepEqual(nativePlatforms(binary('win32-x64')), ['win32-x64']);
    const fat = Buffer.alloc(128);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    assert.deepEqual(nativePlatforms(fat), ['darwin-x64', 'darwin-arm64']);
    assert.equal(
      nativePlatforms(Buffer.from('#!/bin/sh\necho not a binary, just long enough to read a header\n')),
      undefined,
    );
  });
});

/** A zip file: stored and deflated entries, as vsce writes them. */
function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  entries.forEach(([name, data], i) => {
    const deflate = i % 2 === 1;
    const body = deflate ? deflateRawSync(data) : data;
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(deflate ? 8 : 0, 10);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(n.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, n, body);
    central.push(dir, n);
    offset += 30 + n.length + body.length;
  });
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('readZip', () => {
  it('reads stored and deflated entries', () => {
    const files = readZip(
      zip([
        ['a.txt', Buffer.from('stored')],
        ['b/c.txt', Buffer.from('deflated '.repeat(50))],
      ]),
    );
    assert.deepEqual([...files.keys()], ['a.txt', 'b/c.txt']);
    assert.equal(files.get('a.txt')?.toString(), 'stored');
    assert.equal(files.get('b/c.txt')?.toString(), 'deflated '.repeat(50));
  });

  it('says so when the file is not a zip', () => {
    assert.throws(() => readZip(Buffer.alloc(100)), /not a zip file/);
  });
});

describe('packagedReadme', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'dailies-readme-'));
  after(() => rmSync(repo, { recursive: true, force: true }));
  mkdirSync(path.join(repo, 'docs'));
  writeFileSync(path.join(repo, 'docs', 'shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));

  it('inlines relative images, keeps https ones, and unlinks relative links', () => {
    const out = packagedReadme(
      '![A shot](docs/shot.png)\n![badge](https://example.com/b.png)\nSee [the schema](schemas/s.json), [`x.md`](x.md) and [site](https://example.com).',
      repo,
    );
    assert.equal(
      out,
      '![A shot](data:image/png;base64,iVBORw==)\n![badge](https://example.com/b.png)\nSee the schema (`schemas/s.json`), `x.md` and [site](https://example.com).',
    );
  });

  it('refuses an image outside the repository or of a type webviews may not show', () => {
    assert.throws(() => packagedReadme('![x](../secret.png)', repo), /outside the repository/);
    writeFileSync(path.join(repo, 'docs', 'logo.svg'), '<svg/>');
    assert.throws(() => packagedReadme('![x](docs/logo.svg)', repo), /unsupported type/);
  });
});
