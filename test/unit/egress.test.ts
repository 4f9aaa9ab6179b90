// The parts under the network rules, each on its own: which addresses are local, what a hop may reach
// and carry, how redirects are re-checked, and time/byte bounds on timers that survive a GC.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress } from '../../src/core/providers/addresses';
import { boundedFetch } from '../../src/core/providers/boundedFetch';
import { egressFetch } from '../../src/core/providers/egress';
import { falProxyRouter, isProviderFileUrl } from '../../src/core/providers/routes';
import { anySignal } from '../../src/core/util/abort';
import type { DailiesError } from '../../src/core/util/errors';
import { collectGarbage, collectGarbageEvery } from '../helpers/gc';

describe('address classes', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['ff02::1', 'reserved'],
    ['2606:4700::6810:84e5', 'public'],
    ['not-an-ip', 'reserved'],
  ];
  for (const [ip, kind] of cases) it(`${ip} is ${kind}`, () => assert.equal(classifyAddress(ip), kind));
});

interface Sent {
  url: string;
  headers: Headers;
}

/** A network that answers from a table and records what was sent; nothing leaves the process. */
function fakeNet(answer: (url: URL) => Response) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    sent.push({ url: url.href, headers: new Headers(init?.headers) });
    return answer(url);
  };
  return { sent, fetch };
}

const publicLookup = async () => ['93.184.216.34'];

describe('egress policy', () => {
  const KEY_HOSTS = /^api\.example\.com$/;

  it('a name that resolves to loopback is refused before any request', async () => {
    const net = fakeNet(() => new Response('x'));
    const f = egressFetch({ label: 'P', keyHosts: KEY_HOSTS, trusted: [] }, net.fetch);
    await assert.rejects(
      f('https://localhost/x'),
      /Refused https:\/\/localhost\/x: localhost resolves to .*loopback/,
    );
    await assert.rejects(f('https://2130706433/x'), /127\.0\.0\.1 is a loopback address/);
    await assert.rejects(f('https://[fe80::1]/x'), /link-local/);
    await assert.rejects(f('http://cdn.example.com/x'), /only https/);
    assert.equal(net.sent.length, 0);
  });

  it('the configured base URL may be plain http on loopback, and may receive the key', async () => {
    const net = fakeNet(() => new Response('ok'));
    const f = egressFetch({ label: 'P', keyHosts: KEY_HOSTS, trusted: ['http://127.0.0.1:9/v1'] }, net.fetch);
    const res = await f('http://127.0.0.1:9/v1/x', { headers: { authorization: 'Bearer k' } });
    assert.equal(await res.text(), 'ok');
    await assert.rejects(f('http://127.0.0.1:10/x'), /Refused/);
    assert.equal(net.sent.length, 1);
  });

  it('a key goes only to the API hosts or the base URL', async () => {
    const net = fakeNet(() => new Response('ok'));
    const f = egressFetch({ label: 'P', keyHosts: KEY_HOSTS, trusted: [], lookup: publicLookup }, net.fetch);
    await f('https://api.example.com/v1/x', { headers: { Authorization: 'Bearer k' } });
    await assert.rejects(
      f('https://cdn.example.com/x', { headers: { Authorization: 'Bearer k' } }),
      (e: DailiesError) =>
        e.code === 'auth' && /Refused to send the P key to cdn\.example\.com/.test(e.message),
    );
    await assert.rejects(f('http://api.example.com/x', { headers: { Authorization: 'Bearer k' } }), /key/);
    assert.deepEqual(
      net.sent.map((s) => s.url),
      ['https://api.example.com/v1/x'],
    );
  });

  it('redirects are followed here, re-checked at every hop, and drop the key across origins', async () => {
    const net = fakeNet((url) => {
      if (url.pathname === '/start')
        return new Response(null, { status: 302, headers: { location: 'https://cdn.example.com/file' } });
      if (url.pathname === '/file')
        return new Response(null, { status: 307, headers: { location: 'http://169.254.169.254/meta' } });
      return new Response('never');
    });
    const f = egressFetch({ label: 'P', keyHosts: KEY_HOSTS, trusted: [], lookup: publicLookup }, net.fetch);
    await assert.rejects(
      f('https://api.example.com/start', { headers: { Authorization: 'Bearer k' } }),
      /Refused http:\/\/169\.254\.169\.254\/meta/,
    );
    assert.deepEqual(
      net.sent.map((s) => [s.url, s.headers.get('authorization')]),
      [
        ['https://api.example.com/start', 'Bearer k'],
        ['https://cdn.example.com/file', null],
      ],
    );
  });

  it('a redirect loop ends after a bounded number of hops', async () => {
    const net = fakeNet(
      (url) => new Response(null, { status: 301, headers: { location: `${url.origin}/again` } }),
    );
    const f = egressFetch({ label: 'P', keyHosts: KEY_HOSTS, trusted: [], lookup: publicLookup }, net.fetch);
    await assert.rejects(f('https://cdn.example.com/x'), /more than 5 redirects/);
    assert.equal(net.sent.length, 6);
  });

  it('fal API calls go to the proxy URL itself, the original URL in x-fal-target-url; media do not', async () => {
    const net = fakeNet(() => new Response('ok'));
    const proxy = 'https://studio.example/api/fal/proxy';
    const f = egressFetch(
      {
        label: 'fal.ai',
        keyHosts: /^queue\.fal\.run$/,
        trusted: [proxy],
        route: falProxyRouter(proxy),
        lookup: publicLookup,
      },
      net.fetch,
    );
    await f('https://queue.fal.run/fal-ai/flux/requests/1/status?logs=1');
    await f('https://v3.fal.media/files/a.png');
    assert.deepEqual(
      net.sent.map((s) => [s.url, s.headers.get('x-fal-target-url')]),
      [
        [proxy, 'https://queue.fal.run/fal-ai/flux/requests/1/status?logs=1'],
        ['https://v3.fal.media/files/a.png', null],
      ],
    );
  });

  it('stored upload URLs are accepted only on the provider’s own hosts or the base URL', () => {
    assert.ok(isProviderFileUrl('fal', 'https://v3.fal.media/files/x/a.png', undefined));
    assert.ok(!isProviderFileUrl('fal', 'http://v3.fal.media/files/x/a.png', undefined));
    assert.ok(!isProviderFileUrl('fal', 'https://fal.media.attacker.example/a.png', undefined));
    assert.ok(isProviderFileUrl('replicate', 'https://api.replicate.com/v1/files/abc', undefined));
    assert.ok(!isProviderFileUrl('replicate', 'https://api.replicate.com/v1/predictions', undefined));
    assert.ok(!isProviderFileUrl('replicate', 'https://replicate.delivery/x.png', undefined));
    assert.ok(isProviderFileUrl('fal', 'http://127.0.0.1:4010/x', 'http://127.0.0.1:4010/api/fal/proxy'));
    assert.ok(!isProviderFileUrl('fal', 'http://127.0.0.1:4011/x', 'http://127.0.0.1:4010/api/fal/proxy'));
  });
});

function streamResponse(pull: (c: ReadableStreamDefaultController<Uint8Array>) => Promise<void> | void) {
  return new Response(new ReadableStream<Uint8Array>({ pull }), { status: 200 });
}

describe('bounded fetch', () => {
  const bounds = { totalMs: 60_000, idleMs: 150, maxBytes: 1024, what: 'test' };

  it('a body that stops is cut by the idle timeout (a GC running meanwhile)', async () => {
    const stop = collectGarbageEvery(20);
    try {
      const res = await boundedFetch(
        async () => streamResponse(() => new Promise(() => undefined)),
        'https://x/',
        {},
        bounds,
      );
      await assert.rejects(res.text(), /test: no data for 0\.2 s/);
    } finally {
      stop();
    }
  });

  it('a finished exchange is not kept alive by the signal the fetch underneath holds on to', async () => {
    // undici keeps the signal it was given until its Request object is collected (a FinalizationRegistry
    // holds it), which in a batch is long after the answer was read: nothing of the exchange (its body
    // reader, timers' closures, bounds) may hang off that signal, or every request of the last GC cycle
    // stays in memory with it.
    const held: AbortSignal[] = [];
    let inner: WeakRef<object> | undefined;
    let boundsRef: WeakRef<object> | undefined;
    await (async () => {
      const own = { ...bounds };
      boundsRef = new WeakRef(own);
      const res = await boundedFetch(
        async (_input, init) => {
          if (init?.signal) held.push(init.signal);
          let sent = false;
          const body = new ReadableStream<Uint8Array>({
            pull: (c) => {
              if (sent) c.close();
              else c.enqueue(new Uint8Array(16));
              sent = true;
            },
          });
          inner = new WeakRef(body);
          return new Response(body, { status: 200 });
        },
        'https://x/',
        {},
        own,
      );
      assert.equal((await res.arrayBuffer()).byteLength, 16);
    })();
    await collectGarbage();
    assert.equal(held.length, 1, 'the fetch underneath got a signal');
    assert.equal(inner?.deref(), undefined, 'the answer body is not reachable from the held signal');
    assert.equal(boundsRef?.deref(), undefined, 'the exchange state is not reachable from the held signal');
  });

  it('a body that trickles is cut by the total deadline', async () => {
    const res = await boundedFetch(
      async () =>
        streamResponse(async (c) => {
          await new Promise((r) => setTimeout(r, 20));
          c.enqueue(new Uint8Array(1));
        }),
      'https://x/',
      {},
      { ...bounds, totalMs: 400, maxBytes: 1e9 },
    );
    await assert.rejects(res.arrayBuffer(), /no complete answer within 0\.4 s/);
  });

  it('bytes over the cap are refused while streaming, and a declared length before reading', async () => {
    const endless = await boundedFetch(
      async () => streamResponse((c) => c.enqueue(new Uint8Array(256))),
      'https://x/',
      {},
      bounds,
    );
    await assert.rejects(endless.arrayBuffer(), /larger than 1 KiB; refused/);
    let pulled = 0;
    const declared = boundedFetch(
      async () =>
        new Response(
          new ReadableStream({
            pull: (c) => {
              pulled++;
              c.enqueue(new Uint8Array(1));
            },
          }),
          { headers: { 'content-length': '999999' } },
        ),
      'https://x/',
      {},
      bounds,
    );
    await assert.rejects(declared, /larger than/);
    assert.ok(pulled <= 1, 'nothing was read past the headers');
  });

  it('a server that sends no headers is idle; one still receiving a request body is not', async () => {
    const slowHeaders: typeof globalThis.fetch = (_i, init) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => resolve(new Response('ok')), bounds.idleMs * 3);
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(init.signal!.reason);
        });
      });
    await assert.rejects(boundedFetch(slowHeaders, 'https://x/', {}, bounds), /no data for 0\.2 s/);
    const upload = await boundedFetch(slowHeaders, 'https://x/', { method: 'PUT', body: 'bytes' }, bounds);
    assert.equal(await upload.text(), 'ok');
  });

  it('a slow reader is not an idle server', async () => {
    let sent = 0;
    const res = await boundedFetch(
      async () =>
        streamResponse((c) => {
          if (sent++ < 3) c.enqueue(new Uint8Array(8));
          else c.close();
        }),
      'https://x/',
      {},
      bounds,
    );
    const reader = res.body!.getReader();
    let got = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, bounds.idleMs * 2));
      const { done, value } = await reader.read();
      if (done) break;
      got += value.byteLength;
    }
    assert.equal(got, 24);
  });
});

describe('anySignal', () => {
  it('a combined AbortSignal.timeout() fires although a GC runs while it waits', async () => {
    const stop = collectGarbageEvery(10);
    try {
      const signal = anySignal([AbortSignal.timeout(100), undefined]);
      await new Promise<void>((resolve, reject) => {
        signal.addEventListener('abort', () => resolve());
        setTimeout(() => reject(new Error('the timeout never fired')), 5000).unref();
      });
    } finally {
      stop();
    }
  });
});
