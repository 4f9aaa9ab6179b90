// One build script, several entries: the extension host (node/cjs), the CLI (node/cjs), each webview
// (browser/esm), and schemas/project.schema.json emitted from the TypeBox source of truth.
//   node esbuild.mjs [--watch] [--production] [--only=extension,cli,webviews,schema]
// (the media worker bundle is built with the extension or the CLI)
// esbuild strips types without checking them: `npm run typecheck` is the type check.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const want = (name) => !only || only.has(name);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const base = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'silent',
  legalComments: 'none',
};

const node = {
  ...base,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // sharp loads native binaries relative to itself; vscode is provided by the host.
  external: ['vscode', 'sharp'],
  // jsonc-parser's default (UMD) entry breaks when bundled; its ESM entry does not.
  mainFields: ['module', 'main'],
  define: { DAILIES_VERSION: JSON.stringify(pkg.version) },
  // V8 keeps a bundle's source for the life of the process, two bytes a character if any is non-Latin-1
  // (a "→" in a comment): without comments the CLI's is a third of the size and one byte a character.
  minifyWhitespace: true,
};

const webview = {
  ...base,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  loader: { '.ttf': 'file', '.css': 'css' },
};

const targets = [
  {
    name: 'extension',
    options: { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  },
  {
    name: 'cli',
    options: { ...node, entryPoints: { cli: 'src/cli/index.ts' }, outdir: 'dist' },
  },
  {
    // The media worker (src/core/media/workerPool.ts) runs beside whichever bundle loads it.
    name: 'worker',
    with: ['extension', 'cli'],
    options: { ...node, entryPoints: { mediaWorker: 'src/core/media/mediaWorker.ts' }, outdir: 'dist' },
  },
  {
    name: 'webviews',
    options: {
      ...webview,
      entryPoints: {
        storyboard: 'webview-ui/storyboard/main.ts',
        metrics: 'webview-ui/metrics/main.ts',
        cut: 'webview-ui/cut/main.ts',
        viewer: 'webview-ui/viewer/main.ts',
      },
      outdir: 'dist/webview',
    },
  },
];

/** Prints `[watch] build started/finished` for the $esbuild-watch problem matcher, and errors as file:line. */
const reporter = (name) => ({
  name: 'reporter',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log(`[watch] build started (${name})`);
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log(`[watch] build finished (${name})`);
      else if (result.metafile && result.errors.length === 0) printSizes(name, result.metafile);
    });
  },
});

function printSizes(name, metafile) {
  for (const [file, out] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    console.log(`  ${name.padEnd(9)} ${file.padEnd(34)} ${(out.bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
  mkdirSync('dist', { recursive: true });
  writeFileSync(path.join('dist', `${name}.meta.json`), JSON.stringify(metafile));
}

/** Bundles the TypeBox schema module in memory and writes its draft-07 JSON Schema. */
async function emitSchema() {
  const result = await esbuild.build({
    entryPoints: ['src/core/project/schema.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(
    mod,
    mod.exports,
    createRequire(import.meta.url),
  );
  mkdirSync('schemas', { recursive: true });
  const outputs = {
    'schemas/project.schema.json': mod.exports.projectJsonSchema(),
    'schemas/project.dailies.schema.json': mod.exports.productionOnlyJsonSchema(),
  };
  for (const [file, schema] of Object.entries(outputs)) {
    const json = `${JSON.stringify(schema, null, 2)}\n`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== json) {
      writeFileSync(file, json);
      console.log(`  schema    ${file} updated`);
    }
  }
}

// A production build starts clean, so no stale source map or old chunk ships in the VSIX.
if (production && !only) rmSync('dist', { recursive: true, force: true });
if (want('schema')) await emitSchema();
const selected = targets.filter((t) => want(t.name) || t.with?.some(want));
if (watch) {
  for (const t of selected) {
    const ctx = await esbuild.context({ ...t.options, plugins: [reporter(t.name)] });
    await ctx.watch();
  }
} else {
  const results = await Promise.allSettled(
    selected.map((t) => esbuild.build({ ...t.options, plugins: [reporter(t.name)] })),
  );
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
}
