// The upload cache against the fal fake with the real client: one upload per distinct content, none on
// the next run, none after a reload within the TTL (cheap parallel validation instead), and only the
// expired ones after it.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { createProject, simpleFiles, simpleProject, type TempProject } from '../helpers/tempProject';
import { uploadProject } from '../helpers/uploadProject';

describe('upload cache (fal)', () => {
  let fal: FalFake;
  let p: TempProject;
  let session: ReturnType<typeof cloudEngine>;
  before(async () => {
    fal = await startFalFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: FAL_KEY, uploadLatencyMs: 50 });
    ({ project: p } = await uploadProject('fal-ai/flux-pro/kontext/multi'));
  });
  after(async () => {
    await fal.close();
    await p.cleanup();
  });

  it('first run: 150 ref uses, 11 uploads (one per distinct content)', async () => {
    session = cloudEngine(p.file, { fal });
    const s = await session.engine.render();
    assert.equal(s.shots.rendered, 50, JSON.stringify(s.errors.slice(0, 3)));
    assert.equal(fal.count('upload.initiate'), 11);
    assert.equal(fal.count('upload.put'), 11);
    assert.equal(s.uploads.new, 11);
    const text = (await fs.readFile(path.join(p.dir, '.dailies', 'uploads.json'), 'utf8')) as string;
    const entries = (JSON.parse(text) as { entries: { url: string; expiresAt: number; provider: string }[] })
      .entries;
    assert.equal(entries.length, 11);
    assert.ok(
      entries.every(
        (e) => e.provider === 'fal' && e.url.startsWith('https://v3.fal.media/') && e.expiresAt > Date.now(),
      ),
    );
  });

  it('second run in the same session: 0 uploads and 0 validations', async () => {
    fal.clearRecords();
    const s = await session.engine.render({ force: true });
    await session.dispose();
    assert.equal(s.shots.rendered, 50);
    assert.equal(fal.count('upload.initiate'), 0);
    assert.equal(
      fal.requests.filter((r) => r.route === 'cdn' && 'range' in r.headers).length,
      0,
      'no validation GETs',
    );
    assert.equal(s.uploads.cached, 11);
  });

  it('after a reload within the TTL: 0 uploads; 11 validations, all in parallel', async () => {
    fal.clearRecords();
    // Every validation GET of an uploaded ref takes 400 ms at the fake: one after another would need 4.4 s.
    fal.inject(
      'cdn',
      { kind: 'delay', ms: 400 },
      { match: (r) => !r.path.includes('out-') && r.method === 'GET' && 'range' in r.headers },
    );
    const rig = cloudEngine(p.file, { fal });
    const s = await rig.engine.render({ force: true });
    await rig.dispose();
    assert.equal(s.shots.rendered, 50);
    assert.equal(fal.count('upload.initiate'), 0);
    assert.equal(s.uploads.revalidated, 11);
    const checks = fal.requests.filter((r) => r.route === 'cdn' && 'range' in r.headers);
    assert.equal(checks.length, 11);
    const starts = checks.map((r) => r.at);
    assert.ok(
      Math.max(...starts) - Math.min(...starts) < 400,
      `validations started over ${Math.max(...starts) - Math.min(...starts)} ms: not in parallel`,
    );
  });

  it('after the TTL: only the expired entries are uploaded again (and a URL that answers 404 too)', async () => {
    fal.clearRecords();
    const file = path.join(p.dir, '.dailies', 'uploads.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as {
      entries: { url: string; expiresAt: number }[];
    };
    data.entries.slice(0, 3).forEach((e) => {
      e.expiresAt = Date.now() - 1000;
    });
    await fs.writeFile(file, JSON.stringify(data));
    const gone = data.entries[5]!.url;
    fal.inject(
      'cdn',
      { kind: 'status', status: 404, body: { detail: 'Not Found' } },
      { match: (r) => gone.endsWith(r.path) },
    );
    const rig = cloudEngine(p.file, { fal });
    const s = await rig.engine.render({ force: true });
    await rig.dispose();
    assert.equal(s.shots.rendered, 50);
    assert.equal(fal.count('upload.initiate'), 4, '3 expired by TTL + 1 gone at the CDN');
    assert.equal(s.uploads.new, 4);
    assert.equal(s.uploads.revalidated, 7);
    const checks = fal.requests.filter((r) => r.route === 'cdn' && 'range' in r.headers);
    assert.equal(checks.length, 8, 'expired entries are not even validated');
  });
});

describe('upload cache (Replicate) and legacy imports', () => {
  let replicate: ReplicateFake;
  let fal: FalFake;
  before(async () => {
    replicate = await startReplicateFake({
      stepMs: 1,
      steps: 2,
      queueMs: 1,
      apiKey: REPLICATE_TOKEN,
      maxPreferWaitMs: 10,
    });
    fal = await startFalFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: FAL_KEY });
  });
  after(async () => {
    await replicate.close();
    await fal.close();
  });

  it('uploads once per content to the files API and reuses it, with its 24 h expiry', async () => {
    const { project: p } = await uploadProject('black-forest-labs/flux-kontext-pro');
    try {
      const rig = cloudEngine(p.file, { replicate });
      const s = await rig.engine.render();
      await rig.dispose();
      assert.equal(s.shots.rendered, 50, JSON.stringify(s.errors.slice(0, 2)));
      // Kontext takes one ref: the first of each shot, 12 paths → 11 contents.
      assert.equal(replicate.count('files.create'), 11);
      const entries = (
        JSON.parse(await fs.readFile(path.join(p.dir, '.dailies', 'uploads.json'), 'utf8')) as {
          entries: { expiresAt: number }[];
        }
      ).entries;
      for (const e of entries) assert.ok(Math.abs(e.expiresAt - (Date.now() + 24 * 3600_000)) < 120_000);
      replicate.clearRecords();
      const reload = cloudEngine(p.file, { replicate });
      const again = await reload.engine.render({ force: true });
      await reload.dispose();
      assert.equal(replicate.count('files.create'), 0);
      assert.equal(replicate.count('files.get'), 11, 'validated with an authenticated GET each');
      assert.equal(again.uploads.revalidated, 11);
    } finally {
      await p.cleanup();
    }
  });

  it('imports a legacy fal_upload_cache map and reuses its live URLs', async () => {
    // A URL fal really serves: upload a file through a first project, then hand it over as legacy.
    const seed = await createProject(
      { dailies: 1, shots: [{ id: 'a', prompt: 'x', model: 'fal-ai/flux-pro/kontext', refs: ['r.png'] }] },
      { 'r.png': { color: '#123456' } },
    );
    const rig = cloudEngine(seed.file, { fal });
    await rig.engine.render();
    await rig.dispose();
    const url = (
      JSON.parse(await fs.readFile(path.join(seed.dir, '.dailies', 'uploads.json'), 'utf8')) as {
        entries: { url: string }[];
      }
    ).entries[0]!.url;
    const legacy = await createProject(
      {
        dailies: 1,
        fal_upload_cache: { 'r.png': url, 'gone.png': 'https://v3.fal.media/files/x/gone.png' },
        shots: [{ id: 'a', prompt: 'x', model: 'fal-ai/flux-pro/kontext', refs: ['r.png'] }],
      },
      { 'r.png': { color: '#123456' } },
    );
    try {
      fal.clearRecords();
      const r2 = cloudEngine(legacy.file, { fal });
      assert.equal(
        await r2.uploads.importLegacy({ 'r.png': url, 'gone.png': 'https://v3.fal.media/files/x/gone.png' }),
        1,
      );
      const s = await r2.engine.render();
      await r2.dispose();
      assert.equal(s.shots.rendered, 1);
      assert.equal(fal.count('upload.initiate'), 0, 'the legacy URL was validated and reused');
      assert.equal(s.uploads.revalidated, 1);
    } finally {
      await seed.cleanup();
      await legacy.cleanup();
    }
  });
});

// One refused upload must not fail every shot that uses the ref: uploads are retried like submits
// (backoff, Retry-After honoured, a bounded number of attempts).
describe('upload retries', () => {
  let fal: FalFake;
  let replicate: ReplicateFake;
  const temp: TempProject[] = [];
  const SHOTS = 12;
  before(async () => {
    fal = await startFalFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: FAL_KEY });
    replicate = await startReplicateFake({ stepMs: 1, steps: 2, queueMs: 1, apiKey: REPLICATE_TOKEN });
  });
  after(async () => {
    await fal.close();
    await replicate.close();
    while (temp.length) await temp.pop()!.cleanup();
  });

  async function renderShots(model: string) {
    const p = await createProject(
      simpleProject(SHOTS, () => ({ model })),
      simpleFiles,
    );
    temp.push(p);
    const rig = cloudEngine(p.file, { fal, replicate });
    try {
      return await rig.engine.render();
    } finally {
      await rig.dispose();
    }
  }

  it('fal: one 429 (with Retry-After) and one 503 on uploads: every shot renders', async () => {
    fal.reset();
    const throttled = { detail: 'Too many requests' };
    fal.inject(
      'upload.initiate',
      { kind: 'status', status: 429, body: throttled, headers: { 'retry-after': '0' } },
      { times: 1 },
    );
    fal.inject('upload.put', { kind: 'status', status: 503, body: 'busy' }, { times: 1 });
    const s = await renderShots('fal-ai/flux-pro/kontext/multi');
    assert.equal(fal.firedCount('upload.initiate', 'status'), 1, 'the 429 fired');
    assert.equal(fal.firedCount('upload.put', 'status'), 1, 'the 503 fired');
    assert.equal(s.shots.rendered, SHOTS, JSON.stringify(s.errors.slice(0, 3)));
    assert.equal(s.uploads.new, 3, 'ann, bo and the decor, once each');
  });

  it('Replicate: one 429 on the files API: every shot renders, the SDK did not hammer it', async () => {
    replicate.reset();
    replicate.inject(
      'files.create',
      {
        kind: 'status',
        status: 429,
        body: { detail: 'Request was throttled.' },
        headers: { 'retry-after': '0' },
      },
      { times: 1 },
    );
    const s = await renderShots('black-forest-labs/flux-kontext-pro');
    assert.equal(replicate.firedCount('files.create', 'status'), 1, 'the 429 fired');
    assert.equal(s.shots.rendered, SHOTS, JSON.stringify(s.errors.slice(0, 3)));
    assert.equal(replicate.count('files.create'), 2, 'one refused, one retried');
  });

  it('a ref that keeps failing is given up on after the retry budget, with a clear message', async () => {
    fal.reset();
    fal.inject('upload.initiate', { kind: 'status', status: 503, body: 'down' });
    const s = await renderShots('fal-ai/flux-pro/kontext/multi');
    assert.equal(s.shots.failed, SHOTS);
    assert.match(s.errors[0]!.message, /could not be uploaded: fal\.ai server error \(HTTP 503\)/);
    assert.equal(fal.count('upload.initiate'), 3 * 4, 'three refs, four attempts each, no more');
    assert.equal(fal.count('submit'), 0);
  });
});
