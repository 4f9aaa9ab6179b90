// Hostile input: 1,200 mutated project files through the real CLI entry point (in-process, offline draft
// provider). Zero crashes; an invalid project is refused with a JSON path and line:column and nothing is
// written; a bad ref fails its shot naming where it is written; nothing outside the project is touched.
import assert from 'node:assert/strict';
import { promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { parseProjectText } from '../../src/core/project/load';
import { seededRandom } from '../../src/core/util/random';
import { makeImage, tempDir } from '../helpers/tempProject';

const ITERATIONS = 1200;

type Mutator = (base: string, rand: () => number) => string;

/** Each hostile ref and the error code the shots using it must fail with (a hostile ref accepted is a bug). */
const BAD_REF_CODES: Record<string, string> = {
  'refs/missing.png': 'ref-missing',
  'refs/corrupt.png': 'ref-not-image',
  'refs/notes.txt': 'ref-not-image',
  'refs/huge.png': 'ref-too-large',
  '../outside/secret.png': 'path-escape',
  'refs/../../outside/secret.png': 'path-escape',
  '/etc/passwd': 'path-escape',
  'refs/link-out.png': 'path-escape',
  'file:///etc/passwd': 'path-escape',
  'javascript:alert(1)': 'path-invalid',
  'data:image/png;base64,AAAA': 'path-invalid',
  'ftp://example.com/a.png': 'path-invalid',
  'https://[bad': 'path-invalid',
  '': 'path-invalid',
  ' ': 'path-invalid',
  'refs/\u0000.png': 'path-invalid',
  [`refs/${'x'.repeat(5000)}.png`]: 'ref-missing',
  // Absolute on Windows; elsewhere a name relative to the working directory, which is outside the project.
  'C:\\Windows\\win.ini': 'path-escape',
  '\\\\server\\share\\a.png': 'path-escape',
};
const BAD_REFS = Object.keys(BAD_REF_CODES);

/** Shots of a (JSON) project that use a hostile ref — directly, through a cast member or a scene — and its code. */
function shotsUsingBadRefs(text: string): Map<string, { ref: string; code: string }> {
  const out = new Map<string, { ref: string; code: string }>();
  let v: {
    shots?: { id?: unknown; refs?: unknown; cast?: unknown; scene?: unknown }[];
    cast?: { id?: unknown; refs?: unknown }[];
    scenes?: { id?: unknown; decor?: unknown }[];
  };
  try {
    v = JSON.parse(text);
  } catch {
    return out;
  }
  const bad = (list: unknown) =>
    Array.isArray(list)
      ? list.find((r): r is string => typeof r === 'string' && r in BAD_REF_CODES)
      : undefined;
  const castBad = new Map((v.cast ?? []).map((c) => [c.id, bad(c.refs)]));
  const sceneBad = new Map((v.scenes ?? []).map((sc) => [sc.id, bad(sc.decor)]));
  for (const shot of v.shots ?? []) {
    if (typeof shot?.id !== 'string') continue;
    const cast = Array.isArray(shot.cast) ? shot.cast.map((c) => castBad.get(c)) : [];
    const ref = bad(shot.refs) ?? cast.find((r) => r !== undefined) ?? sceneBad.get(shot.scene);
    if (ref !== undefined) out.set(shot.id, { ref, code: BAD_REF_CODES[ref]! });
  }
  return out;
}

const WRONG_VALUES: unknown[] = [
  42,
  -1,
  0,
  1e9,
  2 ** 40,
  'three',
  '',
  null,
  true,
  [],
  {},
  [1, 2],
  { a: 1 },
  'x'.repeat(30000),
  -0,
  3.5,
];

function pick<T>(items: readonly T[], rand: () => number): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Paths to every value in a JSON tree, so a mutation can land anywhere. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: unknown, p: (string | number)[], v: unknown): unknown {
  if (p.length === 0) return v;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of p.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[p[p.length - 1]!] = v;
  return copy;
}

const MUTATORS: Record<string, Mutator> = {
  truncate: (b, r) => b.slice(0, Math.floor(r() * b.length)),
  deleteChar: (b, r) => {
    const i = Math.floor(r() * b.length);
    return b.slice(0, i) + b.slice(i + 1);
  },
  insertChar: (b, r) => {
    const i = Math.floor(r() * b.length);
    return (
      b.slice(0, i) + pick(['{', '}', '[', ']', ',', '"', ':', '\u0000', '\\', '//', '/*'], r) + b.slice(i)
    );
  },
  wrongType: (b, r) => {
    const v = JSON.parse(b) as unknown;
    return JSON.stringify(setAt(v, pick(paths(v), r), pick(WRONG_VALUES, r)), null, 2);
  },
  hugeString: (b) => {
    const v = JSON.parse(b) as { shots: { prompt: string }[] };
    v.shots[0]!.prompt = 'a rainy night '.repeat(80_000);
    return JSON.stringify(v);
  },
  deepNesting: (b, r) => {
    const v = JSON.parse(b) as { shots: { params?: unknown }[] };
    const depth = 50 + Math.floor(r() * 20_000);
    return JSON.stringify(v).replace(
      '"params":{}',
      `"params":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    );
  },
  duplicateIds: (b) => {
    const v = JSON.parse(b) as { shots: { id: string }[] };
    v.shots[1]!.id = v.shots[0]!.id;
    return JSON.stringify(v, null, 2);
  },
  unknownModel: (b, r) => {
    const v = JSON.parse(b) as { shots: { model?: string; provider?: string }[] };
    const s = pick(v.shots, r);
    s.model = pick(['acme/nope', 'fal-ai/does-not-exist', '../../etc', 'draft/storyboard'], r);
    if (r() < 0.3) s.provider = pick(['draft', 'midjourney', 'fal'], r);
    return JSON.stringify(v, null, 2);
  },
  badRef: (b, r) => {
    const v = JSON.parse(b) as {
      shots: { refs?: string[] }[];
      cast: { refs: string[] }[];
      scenes: { decor: string[] }[];
    };
    const where = r();
    const ref = pick(BAD_REFS, r);
    if (where < 0.4) pick(v.shots, r).refs = [ref];
    else if (where < 0.7) pick(v.cast, r).refs = [ref];
    else pick(v.scenes, r).decor = [ref];
    return JSON.stringify(v, null, 2);
  },
  unknownCastOrScene: (b, r) => {
    const v = JSON.parse(b) as { shots: { cast?: string[]; scene?: string }[] };
    if (r() < 0.5) pick(v.shots, r).cast = ['ghost'];
    else pick(v.shots, r).scene = 'nowhere';
    return JSON.stringify(v, null, 2);
  },
  garbage: (_b, r) =>
    Buffer.from(Array.from({ length: 1 + Math.floor(r() * 400) }, () => Math.floor(r() * 256))).toString(
      'latin1',
    ),
  validVariant: (b, r) => {
    // BOM, CRLF, comments, trailing commas: all must still be accepted.
    let t = b.replace(/\n/g, r() < 0.5 ? '\r\n' : '\n');
    if (r() < 0.5) t = `\ufeff${t}`;
    return t
      .replace('"shots": [', '// the shots\n  "shots": [ /* here */')
      .replace(/}\s*\]\s*}\s*$/, '},\n]\n}');
  },
  nxLike: () =>
    JSON.stringify({
      name: 'web',
      projectType: 'application',
      targets: { build: { executor: '@nx/web:build' } },
    }),
  emptyish: (_b, r) =>
    pick(
      ['', '{}', '[]', 'null', '"shots"', '{"shots": null}', '{"shots": [null]}', '{"shots": [{}]}', '   '],
      r,
    ),
};

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('hostile input', () => {
  let dir: string;
  let outside: string;
  let base: string;
  const snapshotOutside = () =>
    readdirSync(outside)
      .map((n) => `${n}:${statSync(path.join(outside, n)).mtimeMs}`)
      .join('|');

  before(async () => {
    const root = tempDir();
    dir = path.join(root, 'prod');
    outside = path.join(root, 'outside');
    await fs.mkdir(path.join(dir, 'refs'), { recursive: true });
    await fs.mkdir(outside);
    await makeImage(path.join(outside, 'secret.png'));
    await makeImage(path.join(dir, 'refs', 'a.png'), { width: 64, height: 48, color: '#aa3333' });
    await makeImage(path.join(dir, 'refs', 'b.png'), { width: 64, height: 48, color: '#3333aa' });
    await fs.writeFile(
      path.join(dir, 'refs', 'corrupt.png'),
      Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.alloc(64, 7)]),
    );
    await fs.writeFile(path.join(dir, 'refs', 'notes.txt'), 'not an image');
    const huge = await fs.open(path.join(dir, 'refs', 'huge.png'), 'w');
    await huge.truncate(101 * 1024 * 1024); // sparse: costs no disk, but is over the 100 MiB ref limit
    await huge.close();
    await fs.symlink(path.join(outside, 'secret.png'), path.join(dir, 'refs', 'link-out.png'));
    base = JSON.stringify(
      {
        dailies: 1,
        aspectRatio: '16:9',
        cast: [{ id: 'ann', refs: ['refs/a.png'] }],
        scenes: [{ id: 'sc', decor: ['refs/b.png'] }],
        shots: [
          { id: 's1', scene: 'sc', cast: ['ann'], prompt: 'one', seed: 1, params: {} },
          { id: 's2', prompt: 'two', seed: 2, variations: 2, params: {} },
          { id: 's3', scene: 'sc', prompt: 'three', seed: 3, params: {} },
        ],
      },
      null,
      2,
    );
  });
  after(() => fs.rm(path.dirname(dir), { recursive: true, force: true }));

  it(`${ITERATIONS} mutated projects: no crash, clear errors with a JSON path, nothing written when refused`, async () => {
    const uncaught: unknown[] = [];
    const onError = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    const rand = seededRandom(20261123);
    const names = Object.keys(MUTATORS);
    const outcomes = new Map<string, number>();
    const file = path.join(dir, 'project.json');
    const outsideBefore = snapshotOutside();
    try {
      for (let i = 0; i < ITERATIONS; i++) {
        const name = names[i % names.length]!;
        let text: string;
        try {
          text = MUTATORS[name]!(base, rand);
        } catch {
          text = base.slice(0, 10);
        }
        // .dailies/ stays: shots identical to an earlier iteration's come from the result cache, as in use.
        await fs.writeFile(file, text);
        const stdout = new Sink();
        const stderr = new Sink();
        const code = await main(['render', file, '--json', '--quiet'], {
          stdout: stdout as unknown as NodeJS.WriteStream,
          stderr: stderr as unknown as NodeJS.WriteStream,
          env: { DAILIES_DRAFT_LATENCY_MS: '0' },
          onInterrupt: () => () => undefined,
        });
        const where = `iteration ${i} (${name})`;
        assert.ok(code === 0 || code === 1 || code === 2, `${where}: exit code ${code}`);
        const after = readFileSync(file, 'utf8');
        if (code === 2) {
          assert.equal(after, text, `${where}: a refused project must not be written`);
          assert.match(
            stderr.text,
            /^dailies: .*(:\d+:\d+: [^\s:]+|is not a Dailies production|Cannot read)/m,
            `${where}: ${stderr.text.slice(0, 300)}`,
          );
          assert.ok(!/\n\s+at /.test(stderr.text), `${where}: a stack trace leaked`);
        } else {
          const summary = JSON.parse(stdout.text) as {
            errors: { shotId: string; code: string; message: string }[];
          };
          // A hostile ref must fail every shot that uses it, with its own code: accepting it is the bug.
          for (const [shotId, { ref, code }] of shotsUsingBadRefs(text)) {
            const got = summary.errors.filter((e) => e.shotId === shotId).map((e) => e.code);
            assert.ok(
              got.includes(code),
              `${where}: shot ${shotId} uses ${JSON.stringify(ref.slice(0, 60))} and must fail with ${code}, got [${got.join(', ')}]`,
            );
          }
          for (const e of summary.errors) {
            // Input problems name where they are written; a cloud shot without a key says which key.
            assert.match(
              e.message,
              /^((shots|cast|scenes)\[\d+\]|No (fal\.ai|Replicate) key: )/,
              `${where}: error without a JSON path: ${e.message}`,
            );
          }
          assert.ok(parseProjectText(after, file).ok, `${where}: project.json is invalid after the run`);
        }
        outcomes.set(`${name}:${code}`, (outcomes.get(`${name}:${code}`) ?? 0) + 1);
      }
    } finally {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    }
    assert.deepEqual(uncaught, []);
    assert.equal(snapshotOutside(), outsideBefore, 'nothing outside the project was written');
    const summary = [...outcomes]
      .sort()
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    process.stdout.write(`# fuzz outcomes (mutator:exit=count): ${summary}\n`);
    // Every mutator must have produced at least one refusal or failure, or it tested nothing.
    for (const n of names.filter((n) => n !== 'validVariant')) {
      assert.ok(
        [...outcomes.keys()].some((k) => k.startsWith(`${n}:`) && !k.endsWith(':0')),
        `${n} never produced a bad input`,
      );
    }
    assert.ok(!outcomes.has('validVariant:2'), 'comments, BOM, CRLF and trailing commas are accepted');
  });

  it('never invokes a shell: child_process only in the ffmpeg runner, which spawns an argv without a shell', () => {
    const src = path.join(__dirname, '..', '..', 'src');
    const files = readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'));
    // The animatic runs ffmpeg as a child process (issue 14): one module, spawn(file, args) and nothing else.
    const runner = path.join('core', 'cut', 'runner.ts');
    for (const f of files) {
      const text = readFileSync(path.join(src, f), 'utf8');
      if (f === runner) {
        assert.ok(
          !/\bexec(File)?(Sync)?\(|\bspawnSync\(|\bshell\s*:|\bfork\(/.test(text),
          `${f} may only spawn, without a shell`,
        );
        continue;
      }
      assert.ok(!/child_process|\bexecSync\(|\bspawnSync\(/.test(text), `${f} uses child_process`);
    }
  });
});
