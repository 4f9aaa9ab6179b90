// The team backend's parts against a real redis-server: claims (atomic, owner-only renew and release,
// expiry, a dead local owner taken over at once), the shared journal surviving a Redis kill, the account's
// slots shared by several processes' schedulers, and farm job data checked before a worker uses a key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import IORedis, { type Redis } from 'ioredis';
import { resolveConfig } from '../../src/core/config';
import { fromJobData } from '../../src/core/team/farmJobs';
import { SlotEvents, TeamScheduler } from '../../src/core/team/globalLimits';
import { keys } from '../../src/core/team/redis';
import { MACHINE, RedisClaims } from '../../src/core/team/redisClaims';
import { RedisJournal } from '../../src/core/team/redisJournal';
import { redactUrl, teamSettings } from '../../src/core/team/settings';
import { type RedisServer, redisSkip, startRedis } from '../helpers/redisServer';
import { waitFor } from '../helpers/waitFor';

const KEY = 'a'.repeat(64);
const JOB = { shotId: 's1', variation: 1 };

describe('team backend parts', { skip: redisSkip() }, () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const client = () => {
    const c = new IORedis(server.url, { maxRetriesPerRequest: null });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await server.dispose();
  });

  it('of many processes claiming one input at once, exactly one gets it; the others are told who holds it', async () => {
    const claimers = Array.from({ length: 8 }, () => new RedisClaims(client(), { ttlMs: 5000 }));
    const attempts = await Promise.all(claimers.map((c) => c.tryAcquire(`${KEY}-race`, JOB)));
    const won = attempts.filter((a) => 'claim' in a);
    assert.equal(won.length, 1);
    for (const a of attempts) if ('heldBy' in a) assert.equal(a.heldBy?.pid, process.pid);
    for (const c of claimers) c.stop();
  });

  it('only the owner renews or releases a claim; a release by anyone else leaves it in place', async () => {
    const a = new RedisClaims(client(), { ttlMs: 600 });
    const b = new RedisClaims(client(), { ttlMs: 600 });
    const got = await a.tryAcquire(`${KEY}-own`, JOB);
    assert.ok('claim' in got);
    // The heartbeat keeps it past several expiries.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await got.claim.isHeld(), true);
    assert.ok('heldBy' in (await b.tryAcquire(`${KEY}-own`, JOB)));
    await b.releaseKey(`${KEY}-own`); // b holds nothing: a no-op
    assert.equal(await got.claim.isHeld(), true);
    await got.claim.release();
    assert.ok('claim' in (await b.tryAcquire(`${KEY}-own`, JOB)));
    a.stop();
    b.stop();
  });

  it('a claim whose owner stopped renewing expires, and another process takes it', async () => {
    const r = client();
    const other = { pid: 1, host: 'gone', machine: 'gone/0', token: 't', ...JOB, since: Date.now() };
    await r.set(keys.claim(`${KEY}-exp`), JSON.stringify(other), 'PX', 700);
    const c = new RedisClaims(client(), { ttlMs: 5000 });
    const first = await c.tryAcquire(`${KEY}-exp`, JOB);
    assert.ok(
      'heldBy' in first && first.heldBy?.host === 'gone',
      'a live-looking claim of another machine is honoured',
    );
    let got: Awaited<ReturnType<RedisClaims['tryAcquire']>> = first;
    await waitFor(
      async () => {
        got = await c.tryAcquire(`${KEY}-exp`, JOB);
        return 'claim' in got;
      },
      'the claim to expire',
      30_000,
    );
    assert.ok('claim' in got);
    c.stop();
  });

  it('a claim of a dead process on this machine is taken over at once', async () => {
    const r = client();
    const dead = { pid: 2 ** 22 + 17, host: 'here', machine: MACHINE, token: 't', ...JOB, since: Date.now() };
    await r.set(keys.claim(`${KEY}-dead`), JSON.stringify(dead), 'PX', 60_000);
    const c = new RedisClaims(client(), { ttlMs: 5000 });
    assert.ok('claim' in (await c.tryAcquire(`${KEY}-dead`, JOB)));
    c.stop();
  });

  it('a claim being handed back answers "not held" at once, so no submit follows', async () => {
    const c = new RedisClaims(client(), { ttlMs: 5000 });
    const got = await c.tryAcquire(`${KEY}-close`, JOB);
    assert.ok('claim' in got);
    const check = got.claim.isHeld();
    await c.close(`${KEY}-close`);
    assert.equal(await check, false, 'an answer under way when the hand-back began says no');
    assert.equal(await got.claim.isHeld(), false);
    c.stop();
  });

  it('an intent acknowledged by Redis survives Redis being killed (AOF)', async () => {
    const j = new RedisJournal(client());
    const job = { key: `${KEY}-j`, shotId: 's', variation: 1, provider: 'fal', model: 'm' };
    await j.intent(job);
    j.submitted({ ...job, requestId: 'req-1' });
    await j.flushed();
    await server.restart('SIGKILL');
    const after = new RedisJournal(client());
    await after.refresh(job.key);
    assert.equal(after.pending(job.key)?.requestId, 'req-1');
  });

  it("several processes' schedulers share the account's slots: never more than the limit at once", async () => {
    const config = resolveConfig({ limits: { light: 3, heavy: 1, video: 1 } });
    const limiters = Array.from({ length: 4 }, () => {
      const events = new SlotEvents(client());
      return new TeamScheduler(config, client(), events, { leaseMs: 5000 }).classLimiter('fal', 'light');
    });
    let inside = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        limiters[i % limiters.length]!.run(async () => {
          inside++;
          peak = Math.max(peak, inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
        }),
      ),
    );
    assert.equal(peak, 3);
  });

  it("several processes' rate limiters share the account's requests per second", async () => {
    // 5 per second with a burst of one second's worth: the k-th request of all processes together can
    // start no earlier than (k - 5) × 200 ms after the first. Per process, 4 × 5 would go at once.
    const config = resolveConfig({ ratePerSecond: { fal: 5, replicate: 5 } });
    const rates = Array.from({ length: 4 }, () => {
      const events = new SlotEvents(client());
      return new TeamScheduler(config, client(), events, { leaseMs: 5000 }).rate('fal');
    });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await rates[i % rates.length]!.acquire();
        starts.push(Date.now());
      }),
    );
    starts.sort((x, y) => x - y);
    for (let k = 5; k < starts.length; k++)
      assert.ok(
        starts[k]! - starts[0]! >= (k - 5) * 200 - 20,
        `request ${k + 1} started ${starts[k]! - starts[0]!} ms after the first: over the shared rate`,
      );
  });

  it('farm job data is checked before a worker spends a key on it', () => {
    const good = {
      v: 1,
      key: KEY,
      shotId: 's1',
      variation: 1,
      request: {
        prompt: 'p',
        seed: 1,
        model: {
          id: 'm',
          provider: 'fal',
          endpoint: 'fal-ai/flux/dev',
          class: 'heavy',
          maxRefs: 0,
          params: {},
        },
        refs: [],
      },
    };
    assert.equal(fromJobData(good).planned.key, KEY);
    const bad: [string, unknown][] = [
      ['no input hash', { ...good, key: '../../etc' }],
      [
        'bad model',
        { ...good, request: { ...good.request, model: { ...good.request.model, provider: 'draft' } } },
      ],
      [
        'bad model',
        {
          ...good,
          request: { ...good.request, model: { ...good.request.model, endpoint: 'https://evil.example/x' } },
        },
      ],
      [
        'bad refs',
        { ...good, request: { ...good.request, refs: [{ sha256: KEY, role: 'cast', abs: '/etc/passwd' }] } },
      ],
      ['too large', { ...good, request: { ...good.request, prompt: 'x'.repeat(300_000) } }],
    ];
    for (const [why, data] of bad) assert.throws(() => fromJobData(data), /Refused a farm job/, why);
  });

  it('settings: both or neither; a password never shows', () => {
    assert.equal(teamSettings({}), undefined);
    assert.throws(() => teamSettings({ redisUrl: 'redis://h:6379' }), /dailies\.team\.store/);
    assert.throws(() => teamSettings({ store: '/mnt/team' }), /dailies\.team\.redisUrl/);
    assert.throws(() => teamSettings({ redisUrl: 'http://h', store: '/x' }), /must start with redis:\/\//);
    assert.equal(redactUrl('redis://:hunter2@h:6379/0'), 'redis://:***@h:6379/0');
    assert.equal(redactUrl('rediss://user:hunter2@h:6380'), 'rediss://user:***@h:6380');
  });
});
