import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parseProjectText } from '../../src/core/project/load';
import { isDailiesProjectValue, looksLikeDailiesText } from '../../src/core/project/recognize';
import { productionOnlyJsonSchema, projectJsonSchema } from '../../src/core/project/schema';
import { ModelRegistry } from '../../src/core/providers/registry';

const registry = new ModelRegistry();
const parse = (text: string) =>
  parseProjectText(text, 'project.json', { modelCheck: registry.modelCheck, modelIds: registry.modelIds });

function issuesOf(text: string) {
  const r = parse(text);
  assert.equal(r.ok, false, 'expected the project to be rejected');
  if (r.ok) throw new Error('unreachable');
  return { code: r.error.code, issues: r.error.issues, message: r.error.message };
}

describe('project recognition', () => {
  it('claims productions and never an Nx project.json', () => {
    assert.equal(isDailiesProjectValue({ shots: [] }), true);
    assert.equal(isDailiesProjectValue({ dailies: 1, shots: [] }), true);
    const nx = {
      name: 'app',
      $schema: '../node_modules/nx/schemas/project-schema.json',
      sourceRoot: 'apps/app/src',
      projectType: 'application',
      targets: { build: {} },
    };
    assert.equal(isDailiesProjectValue(nx), false);
    assert.equal(isDailiesProjectValue({ ...nx, shots: [] }), false);
    assert.equal(isDailiesProjectValue([]), false);
    assert.equal(looksLikeDailiesText(JSON.stringify(nx, null, 2)), false);
    assert.equal(
      looksLikeDailiesText('{ "shots": [ { "id": "a"'),
      true,
      'a broken production is still recognised',
    );
    const r = parse(JSON.stringify(nx));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'project-not-dailies');
  });
});

describe('validation', () => {
  it('accepts comments, trailing commas and a legacy fal_upload_cache map', () => {
    const text = `{
  // the night train
  "shots": [
    { "id": "a", "prompt": "x", }, /* block */
  ],
  "fal_upload_cache": { "cast/a.png": "https://v3.fal.media/files/x/a.png" },
}`;
    const r = parse(text);
    assert.equal(r.ok, true, r.ok ? '' : r.error.message);
  });

  it('reports a syntax error with line and column', () => {
    const { code, issues } = issuesOf(
      '{\n  "shots": [\n    { "id": "a", "prompt": "x" }\n    { "id": "b" }\n  ]\n}',
    );
    assert.equal(code, 'project-syntax');
    assert.equal(issues[0]?.line, 4);
    assert.equal(issues[0]?.column, 5);
    assert.match(issues[0]!.message, /comma expected/i);
  });

  it('reports one garbage line once (not every token the parser trips over after it)', () => {
    const text =
      '{\n  "shots": [\n    { "id": "a", "prompt": "x" }\n  ],\n  garbage here !!\n  "title": "t"\n}\n';
    const { code, issues } = issuesOf(text);
    assert.equal(code, 'project-syntax');
    assert.equal(issues.length, 1, issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
    assert.equal(issues[0]!.line, 5);
    assert.equal(issues[0]!.code, 'syntax');
  });

  it('reports a file that lost its "shots" key at a line, so a known production can show why', () => {
    const { code, issues } = issuesOf('\n{\n  "title": "Night Train"\n}\n');
    assert.equal(code, 'project-not-dailies');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.line, 2);
    assert.match(issues[0]!.message, /"shots"/);
    const marked = issuesOf('{\n  "dailies": 1,\n  "title": "Night Train"\n}\n');
    assert.equal(marked.code, 'project-schema');
    assert.deepEqual(
      marked.issues.map((i) => [i.path, i.message, i.line]),
      [['shots', 'is required', 1]],
    );
  });

  it('reports truncated JSON', () => {
    const { code, issues } = issuesOf('{ "shots": [ { "id": "a", "prompt": "x"');
    assert.equal(code, 'project-syntax');
    assert.ok(issues.length >= 1);
  });

  it('reports schema errors with JSON path and line:column', () => {
    const text = [
      '{',
      '  "shots": [',
      '    { "id": "ok", "prompt": "fine" },',
      '    { "id": "bad id!", "prompt": "", "variations": 99, "provider": "midjourney" },',
      '    { "id": "c" }',
      '  ]',
      '}',
    ].join('\n');
    const { code, issues } = issuesOf(text);
    assert.equal(code, 'project-schema');
    const byPath = new Map(issues.map((i) => [i.path, i]));
    assert.match(byPath.get('shots[1].id')!.message, /not a valid id/);
    assert.equal(byPath.get('shots[1].id')!.line, 4);
    assert.equal(byPath.get('shots[1].id')!.column, 7);
    assert.match(byPath.get('shots[1].prompt')!.message, /length/);
    assert.match(byPath.get('shots[1].variations')!.message, /less or equal to 16/);
    assert.match(byPath.get('shots[1].provider')!.message, /one of "draft", "fal", "replicate"/);
    assert.equal(byPath.get('shots[2].prompt')!.message, 'is required');
    assert.equal(byPath.get('shots[2].prompt')!.line, 5, 'a missing property points at its object');
  });

  it('reports wrong top-level types', () => {
    const { issues } = issuesOf('{ "shots": {}, "cast": "everyone" }');
    assert.deepEqual(issues.map((i) => i.path).sort(), ['cast', 'shots']);
  });

  it('reports duplicate ids, unknown scenes, cast and models, with suggestions', () => {
    // Duplicate ids refuse the project (records would be ambiguous); the others only fail their shot.
    const text = JSON.stringify(
      {
        cast: [{ id: 'mara' }],
        scenes: [{ id: 'platform' }],
        shots: [
          { id: 'a', prompt: 'x', scene: 'Platform', cast: ['mara', 'ilya'] },
          { id: 'a', prompt: 'y', model: 'acme/unknown-model' },
          { id: 'b', prompt: 'z', model: 'acme/custom', provider: 'fal' },
        ],
      },
      null,
      2,
    );
    const { code, issues } = issuesOf(text);
    assert.equal(code, 'project-semantic');
    const msgs = issues.map((i) => `${i.path}: ${i.message}`);
    assert.ok(msgs.includes('shots[1].id: duplicate id "a"'), msgs.join('\n'));
    assert.ok(
      msgs.includes('shots[0].scene: unknown scene "Platform" (did you mean "platform"?)'),
      msgs.join('\n'),
    );
    assert.ok(msgs.includes('shots[0].cast[1]: unknown cast member "ilya"'), msgs.join('\n'));
    assert.ok(
      msgs.some((m) => m.startsWith('shots[1].model: unknown model "acme/unknown-model"')),
      msgs.join('\n'),
    );
    assert.ok(!msgs.some((m) => m.startsWith('shots[2]')), 'a model with an explicit provider is accepted');
    for (const i of issues) assert.ok(i.line > 0, `${i.path} has a line`);
  });

  it('gives unknown ids and models a fix: the known values, closest first, and the span to replace', () => {
    const text = [
      '{',
      '  "defaults": { "model": "fal-ai/flux/dve" },',
      '  "cast": [{ "id": "mara" }, { "id": "ilya" }, { "id": "odile" }],',
      '  "scenes": [{ "id": "platform" }, { "id": "cafe" }],',
      '  "shots": [',
      '    { "id": "a", "prompt": "x", "scene": "platfrom", "cast": ["ilia"] },',
      '    { "id": "b", "prompt": "y" },',
      '    { "id": "c", "prompt": "z", "model": "draft/storyboard" }',
      '  ]',
      '}',
    ].join('\n');
    const r = parse(text);
    assert.equal(r.ok, true, 'shot-scoped problems do not block the project');
    if (!r.ok) return;
    const by = new Map(r.issues.map((i) => [i.code, i]));
    const cast = by.get('unknown-cast')!;
    assert.equal(cast.path, 'shots[0].cast[0]');
    assert.equal(cast.suggestions?.[0], 'ilya');
    assert.deepEqual([...cast.suggestions!].sort(), ['ilya', 'mara', 'odile']);
    assert.deepEqual(cast.value, { line: 6, column: 63, endLine: 6, endColumn: 69 });
    assert.equal(text.split('\n')[5]!.slice(62, 68), '"ilia"');
    const scene = by.get('unknown-scene')!;
    assert.equal(scene.suggestions?.[0], 'platform');
    assert.match(scene.message, /did you mean "platform"/);
    const model = by.get('unknown-model')!;
    assert.equal(model.path, 'defaults.model');
    assert.equal(model.suggestions?.[0], 'fal-ai/flux/dev');
    assert.deepEqual(model.shots, ['a', 'b'], 'one issue for the default model, naming every shot it fails');
    assert.equal(r.issues.filter((i) => i.code === 'unknown-model').length, 1);
    const swapped = parse(
      JSON.stringify({ cast: [{ id: 'mara' }], shots: [{ id: 'a', prompt: 'x', cast: ['maar'] }] }),
    );
    assert.ok(swapped.ok);
    if (swapped.ok)
      assert.match(swapped.issues[0]!.message, /did you mean "mara"/, 'two swapped letters are a typo');
  });

  it('validates a 5,000-shot project and finds the one bad shot by path and line', () => {
    const shots = Array.from({ length: 5000 }, (_, i) => ({
      id: `s${i}`,
      prompt: `shot ${i}`,
      seed: i,
      variations: 1 + (i % 4),
    }));
    const good = JSON.stringify({ shots }, null, 2);
    assert.equal(parse(good).ok, true);
    const bad = JSON.parse(good) as { shots: { seed: unknown }[] };
    bad.shots[4321]!.seed = -5;
    const { issues } = issuesOf(JSON.stringify(bad, null, 2));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'shots[4321].seed');
    assert.ok(issues[0]!.line > 4321 * 5, `line ${issues[0]!.line}`);
  });
});

describe('the emitted JSON Schema', () => {
  const file = path.join(__dirname, '..', '..', 'schemas', 'project.schema.json');

  it('is committed up to date with the TypeBox source (run `npm run build` after schema changes)', () => {
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), projectJsonSchema());
  });

  it('the contributed schema checks productions and leaves an Nx project.json alone', () => {
    const wrapper = productionOnlyJsonSchema();
    assert.deepEqual(
      JSON.parse(readFileSync(path.join(path.dirname(file), 'project.dailies.schema.json'), 'utf8')),
      wrapper,
    );
    const check = new Ajv({ strict: false }).compile(wrapper);
    assert.equal(
      check({ name: 'web', projectType: 'application', targets: { build: { executor: 'x' } } }),
      true,
    );
    assert.equal(check({ shots: [{ id: 'a', prompt: 'x' }] }), true);
    assert.equal(check({ shots: [{ id: 'a' }] }), false, 'a production missing a prompt is flagged');
    assert.equal(check({ shots: 'nope' }), false);
  });

  it('is draft-07 and agrees with the engine validator (ajv cross-check)', () => {
    const schema = projectJsonSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: false, allErrors: true });
    const check = ajv.compile(schema);
    const valid = { shots: [{ id: 'a', prompt: 'x', variations: 2 }], cast: [{ id: 'c', refs: ['a.png'] }] };
    assert.equal(check(valid), true, JSON.stringify(check.errors));
    assert.equal(parse(JSON.stringify(valid)).ok, true);
    const invalid = { shots: [{ id: 'a', prompt: '', variations: 0 }] };
    assert.equal(check(invalid), false);
    assert.equal(parse(JSON.stringify(invalid)).ok, false);
    const paths = new Set((check.errors ?? []).map((e) => e.instancePath));
    assert.ok(paths.has('/shots/0/prompt') && paths.has('/shots/0/variations'));
  });
});
