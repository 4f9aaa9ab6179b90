// Bundles the in-host test code into test/e2e/runner-extension/dist/ (git- and biome-ignored, like dist/):
//   runner.js  the runner extension (code-server) and test-electron's extensionTestsPath (`run`)
//   suite.js   every suite/*.test.ts, in file-name order, loaded by mocha inside the host
// `vscode` comes from the host. `mocha` stays out of the bundles so runner and suite share one instance
// (its `suite`/`test` exports bind to the run in progress), required by the absolute path of the repo's
// copy: the runner is installed from a VSIX, i.e. copied into the extensions dir, away from node_modules.
// (A linked folder is not an option: VS Code 1.100 marks extension folders missing from extensions.json
// as removed and skips them.)
//   node test/e2e/build.mjs
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'runner-extension', 'dist');
const suiteDir = path.join(here, 'suite');
const tests = readdirSync(suiteDir)
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
if (tests.length === 0) throw new Error(`no *.test.ts in ${suiteDir}`);

const mochaPath = createRequire(import.meta.url).resolve('mocha');
/** @type {import('esbuild').Plugin} */
const mochaFromRepo = {
  name: 'mocha-from-repo',
  setup(build) {
    build.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaPath, external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  sourcesContent: false,
  external: ['vscode'],
  plugins: [mochaFromRepo],
  // jsonc-parser's default (UMD) entry breaks when bundled; its ESM entry does not (as in esbuild.mjs).
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'host', 'runner.ts')],
    outfile: path.join(out, 'runner.js'),
  }),
  esbuild.build({
    ...common,
    stdin: {
      contents: tests.map((f) => `require(${JSON.stringify(`./${f}`)});`).join('\n'),
      resolveDir: suiteDir,
      sourcefile: 'suite-index.js',
      loader: 'js',
    },
    outfile: path.join(out, 'suite.js'),
  }),
]);
console.log(
  `  e2e       ${path.relative(process.cwd(), out)}/{runner,suite}.js (${tests.length} test files)`,
);
