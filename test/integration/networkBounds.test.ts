// Everything read from the network is bounded: time (idle and total, with timers Dailies holds — a
// garbage collection runs throughout, because Node 20 can collect an AbortSignal.timeout() that is only
// referenced through AbortSignal.any()), bytes, concurrency, schemes and hosts. Each test is a hostile
// server: a trickle, a stall, an endless body, a lying Content-Length, a redirect to the cloud metadata
// address or to another local service, an output URL that is not the provider's.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ConfigLayer } from '../../src/core/config';
import type { BatchSummary } from '../../src/shared/events';
import { type FalFake, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, startReplicateFake } from '../fakes/replicateFake';
import { pngBomb } from '../helpers/bomb';
import { cloudEngine, FAL_KEY, REPLICATE_TOKEN } from '../helpers/cloud';
import { collectGarbageEvery } from '../helpers/gc';
import { type Spy, startSpy } from '../helpers/spy';
import { createProject, type TempProject } from '../helpers/tempProject';

const FAST = { stepMs: 2, steps: 2, queueMs: 2 };
const MiB = 1024 * 1024;
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
  for (const fake of [fal, replicate]) {
    fake.releaseStalled();
    fake.reset();
    fake.configure({ outputUrl: undefined });
  }
  spy.reset();
  while (temp.length) await temp.pop()!.cleanup();
});

async function render(
  model: string,
  layer: ConfigLayer = {},
  shots = 1,
  during?: (dir: string) => Promise<void>,
): Promise<BatchSummary> {
  const p = await createProject({
    dailies: 1,
    shots: Array.from({ length: shots }, (_, i) => ({ id: `s${i}`, prompt: `shot ${i}`, seed: i, model })),
  });
  temp.push(p);
  const rig = cloudEngine(
    p.file,
    { fal, replicate },
    { retry: { attempts: 2, baseMs: 10, maxMs: 20 }, ...layer },
  );
  const stopGc = collectGarbageEvery(40);
  try {
    const running = rig.engine.render();
    if (during) await during(p.dir);
    return await running;
  } finally {
    stopGc();
    await rig.dispose();
  }
}

const REPLICATE_MODEL = 'black-forest-labs/flux-schnell';
const FAL_MODEL = 'fal-ai/flux/schnell';
const firstError = (s: BatchSummary) => s.errors[0] ?? { code: '', message: '(no error)' };

describe('time: idle and total deadlines on timers Dailies holds', () => {
  it('a download that trickles one byte at a time ends at its total deadline', {
    timeout: 60_000,
  }, async () => {
    replicate.inject('delivery', { kind: 'trickle', intervalMs: 50, contentType: 'image/png' });
    const s = await render(REPLICATE_MODEL, {
      timeouts: { requestMs: 3000, downloadMs: 1500, idleMs: 1000 },
    });
    assert.equal(s.shots.failed, 1);
    assert.equal(firstError(s).code, 'timeout', firstError(s).message);
    assert.ok(replicate.streams.length > 0 && replicate.streams.every((x) => x.closedByClient));
  });

  it('a download that stops sending ends at the idle timeout', { timeout: 30_000 }, async () => {
    replicate.inject('delivery', { kind: 'stall', afterBytes: 64 });
    const s = await render(REPLICATE_MODEL, {
      timeouts: { requestMs: 3000, downloadMs: 600_000, idleMs: 500 },
    });
    assert.equal(s.shots.failed, 1);
    assert.equal(firstError(s).code, 'timeout');
    assert.match(firstError(s).message, /no data for 0\.5 s/);
  });

  it('a status poll that trickles is cut at the request deadline; the next poll carries on', {
    timeout: 60_000,
  }, async () => {
    fal.inject('status', { kind: 'trickle', intervalMs: 50, prefix: '{"status":' }, { times: 1 });
    const s = await render(FAL_MODEL, { timeouts: { requestMs: 1500, idleMs: 1000 } });
    assert.equal(s.shots.rendered, 1, JSON.stringify(s.errors));
    assert.equal(fal.streams.length, 1, 'the fault fired');
    assert.ok(fal.streams[0]!.closedByClient);
  });
});

describe('bytes and concurrency', () => {
  it('a download streams to a temp file inside .dailies/, which is gone once stored', {
    timeout: 60_000,
  }, async () => {
    replicate.inject('delivery', { kind: 'stall', afterBytes: 100 });
    let seen: { file: string; size: number } | undefined;
    const s = await render(REPLICATE_MODEL, {}, 1, async (dir) => {
      const tmp = path.join(dir, '.dailies', 'tmp');
      const deadline = Date.now() + 20_000;
      while (!seen && Date.now() < deadline) {
        for (const f of await fs.readdir(tmp).catch(() => [] as string[])) {
          const size = (await fs.stat(path.join(tmp, f)).catch(() => undefined))?.size ?? 0;
          if (size >= 100) seen = { file: f, size };
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      replicate.releaseStalled();
    });
    assert.ok(seen, 'the first bytes were on disk under .dailies/tmp while the rest was still coming');
    assert.equal(s.shots.rendered, 1, JSON.stringify(s.errors));
    const left = await fs.readdir(path.join(temp[0]!.dir, '.dailies', 'tmp')).catch(() => []);
    assert.deepEqual(left, [], 'no temp file left behind');
  });

  it('at most downloads.concurrency outputs download at once', { timeout: 60_000 }, async () => {
    replicate.inject('delivery', { kind: 'delay', ms: 400 });
    const s = await render(REPLICATE_MODEL, { downloads: { concurrency: 2 } }, 8);
    assert.equal(s.shots.rendered, 8, JSON.stringify(s.errors));
    assert.equal(replicate.count('delivery'), 8);
    assert.ok(replicate.peakInflight('delivery') <= 2, `peak ${replicate.peakInflight('delivery')}`);
  });

  it('an API body over 16 MiB is refused with a clear error without reading it all', {
    timeout: 60_000,
  }, async () => {
    fal.inject(
      'status',
      { kind: 'endless', stopAfterBytes: 48 * MiB, prefix: '{"status":"IN_PROGRESS","logs":[],"x":"' },
      { times: 1 },
    );
    const s = await render(FAL_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /larger than 16 MiB/);
    const [stream] = fal.streams;
    assert.ok(stream?.closedByClient, 'the client hung up');
    assert.ok(stream.bytesSent < 40 * MiB, `read ${stream.bytesSent} bytes`);
  });

  it('a Content-Length over the cap is refused before reading the body', { timeout: 60_000 }, async () => {
    fal.inject(
      'result',
      { kind: 'endless', stopAfterBytes: 8 * MiB, contentLength: 2_000_000_000 },
      { times: 1 },
    );
    const s = await render(FAL_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /larger than 16 MiB/);
  });
});

describe('schemes and hosts of URLs from responses', () => {
  it('an output URL on another local port is neither fetched nor rendered', { timeout: 60_000 }, async () => {
    replicate.configure({ outputUrl: `${spy.origin}/out.png` });
    const s = await render(REPLICATE_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /refus/i);
    assert.ok(spy.untouched(), JSON.stringify(spy.requests));
  });

  it('an https URL whose name resolves to loopback is refused before connecting', {
    timeout: 60_000,
  }, async () => {
    replicate.configure({ outputUrl: `https://localhost:${spy.port}/out.png` });
    const s = await render(REPLICATE_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /refus.*loopback/i);
    assert.ok(spy.untouched(), `${spy.connections} connection(s)`);
  });

  it('a plain-http output URL is refused (https only)', { timeout: 60_000 }, async () => {
    replicate.configure({ outputUrl: 'http://cdn.example.invalid/out.png' });
    const s = await render(REPLICATE_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /https/);
  });

  it('a CDN redirect to the cloud metadata address is refused', { timeout: 60_000 }, async () => {
    fal.inject('cdn', {
      kind: 'status',
      status: 302,
      body: '',
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    });
    const s = await render(FAL_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /refus.*169\.254\.169\.254/i);
  });

  it('a redirect to another local service is refused at the hop', { timeout: 60_000 }, async () => {
    fal.inject('cdn', {
      kind: 'status',
      status: 307,
      body: '',
      headers: { location: `${spy.origin}/latest.png` },
    });
    const s = await render(FAL_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /refus/i);
    assert.ok(spy.untouched(), JSON.stringify(spy.requests));
  });
});

describe('pixels', () => {
  it('an output that is a decompression bomb fails as too large, not as corrupt', {
    timeout: 60_000,
  }, async () => {
    replicate.inject('delivery', {
      kind: 'status',
      status: 200,
      body: pngBomb(9000, 9000),
      headers: { 'content-type': 'image/png' },
    });
    const s = await render(REPLICATE_MODEL);
    assert.equal(s.shots.failed, 1);
    assert.match(firstError(s).message, /too large \(9000 × 9000\)/);
  });
});
