// nodeFetch stands in for node's fetch under every provider request, so each behaviour the layers above
// rely on is checked against node's own fetch on the same local server: what the server receives, what
// the caller sees, how a body cut short or a cancel ends, that an unread body holds the server back, that
// nothing is followed, and the error shapes the error mapping reads.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { boundedFetch } from '../../src/core/providers/boundedFetch';
import { nodeFetch } from '../../src/core/providers/nodeFetch';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;
const routes = new Map<string, Handler>();
let server: http.Server;
let origin: string;
/** Bytes the endless route managed to hand to the socket, and whether a write was refused. */
const endless = { written: 0, blocked: false, closed: false };
const remotePorts: number[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      route(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const transports = [
  ['node fetch', globalThis.fetch],
  ['nodeFetch', nodeFetch],
] as const;

/** What a transport shows its caller for one exchange, in a form two transports can be compared by. */
async function seen(fetchFn: typeof fetch, path: string, init?: RequestInit) {
  const res = await fetchFn(`${origin}${path}`, init);
  return {
    status: res.status,
    statusText: res.statusText,
    type: res.headers.get('content-type'),
    location: res.headers.get('location'),
    hasBody: res.body !== null,
    text: await res.text(),
  };
}

function echo(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      method: req.method,
      type: req.headers['content-type'] ?? null,
      length: req.headers['content-length'] ?? null,
      body: body.toString('utf8'),
    }),
  );
}
routes.set('/echo', echo);
routes.set('/json', (_req, res) =>
  res.writeHead(201, 'Made', { 'content-type': 'application/json' }).end('{"a":1}'),
);
routes.set('/empty', (_req, res) => res.writeHead(204).end());
routes.set('/moved', (_req, res) => res.writeHead(302, { location: '/json' }).end('see /json'));
const PLAIN = 'a body that was compressed on the wire '.repeat(200);
routes.set('/gzip', (_req, res) =>
  res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(PLAIN)),
);
routes.set('/br', (_req, res) =>
  res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(PLAIN)),
);
routes.set('/deflate', (_req, res) =>
  res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(PLAIN)),
);
routes.set('/bomb', (_req, res) =>
  res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(64 << 20))),
);
routes.set('/cut', (_req, res) => {
  res.writeHead(200, { 'content-length': '1000' });
  res.write('only part of it');
  setTimeout(() => res.socket?.destroy(), 20);
});
routes.set('/slow', (_req, res) => {
  res.writeHead(200);
  res.write('first');
  // the rest never comes: the caller's abort must end the read
});
routes.set('/endless', (_req, res) => {
  res.on('close', () => {
    endless.closed = true;
  });
  res.writeHead(200);
  const chunk = Buffer.alloc(64 * 1024, 1);
  const more = () => {
    while (!res.destroyed) {
      endless.written += chunk.length;
      if (!res.write(chunk)) {
        endless.blocked = true;
        res.once('drain', more);
        return;
      }
    }
  };
  more();
});
routes.set('/port', (req, res) => {
  remotePorts.push(req.socket.remotePort ?? 0);
  res.end('ok');
});

describe('nodeFetch answers as node fetch does', () => {
  const cases: [string, string, RequestInit?][] = [
    ['a JSON answer with its status text', '/json'],
    ['a string body (content type and length)', '/echo', { method: 'POST', body: '{"prompt":"x"}' }],
    [
      'a string body with its own content type',
      '/echo',
      { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } },
    ],
    ['a POST without a body (fal cancel)', '/echo', { method: 'POST' }],
    ['a PUT without a body', '/echo', { method: 'PUT' }],
    ['a DELETE without a body', '/echo', { method: 'DELETE' }],
    ['a byte body', '/echo', { method: 'PUT', body: new Uint8Array([104, 105]) }],
    [
      'a Blob with a type (fal upload)',
      '/echo',
      { method: 'PUT', body: new Blob(['png'], { type: 'image/png' }) },
    ],
    ['URL-encoded form fields', '/echo', { method: 'POST', body: new URLSearchParams({ a: '1', b: 'two' }) }],
    ['a 204 without a body', '/empty'],
    ['a HEAD without a body', '/json', { method: 'HEAD' }],
    ['a redirect handed back, not followed', '/moved', { redirect: 'manual' }],
    ['a gzip answer, decoded', '/gzip'],
    ['a brotli answer, decoded', '/br'],
    ['a deflate answer, decoded', '/deflate'],
  ];
  for (const [what, path, init] of cases)
    it(what, async () => {
      const theirs = await seen(globalThis.fetch, path, init);
      const ours = await seen(nodeFetch, path, init);
      assert.deepEqual(ours, theirs);
    });

  it('a multipart form (Replicate file upload) reaches the server whole, boundary and all', async () => {
    const form = () => {
      const f = new FormData();
      f.append('content', new Blob(['image bytes'], { type: 'image/png' }), 'ref.png');
      f.append('metadata', '{}');
      return f;
    };
    for (const [, fetchFn] of transports) {
      const got = JSON.parse((await seen(fetchFn, '/echo', { method: 'POST', body: form() })).text) as {
        type: string;
        body: string;
      };
      const boundary = /boundary=(.+)$/.exec(got.type)?.[1];
      assert.ok(boundary, got.type);
      assert.match(
        got.body,
        new RegExp(`--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="ref.png"`),
      );
      assert.match(got.body, /image bytes/);
      assert.ok(got.body.endsWith(`--${boundary}--\r\n`));
    }
  });

  it('a request body on GET is refused, as fetch refuses it', async () => {
    for (const [, fetchFn] of transports)
      await assert.rejects(fetchFn(`${origin}/echo`, { method: 'GET', body: 'x' }), TypeError);
  });
});

describe('failures look the same to the error mapping', () => {
  it('a refused connection: TypeError "fetch failed" with the socket error as its cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    for (const [name, fetchFn] of transports) {
      const err = await fetchFn(`http://127.0.0.1:${port}/`).then(
        () => assert.fail(`${name} answered`),
        (e: unknown) => e as TypeError & { cause?: NodeJS.ErrnoException },
      );
      assert.ok(err instanceof TypeError, name);
      assert.equal(err.message, 'fetch failed', name);
      assert.equal(err.cause?.code, 'ECONNREFUSED', name);
    }
  });

  it('a body cut short fails its read with a TypeError, not a short text', async () => {
    for (const [name, fetchFn] of transports) {
      const res = await fetchFn(`${origin}/cut`);
      await assert.rejects(res.text(), TypeError, name);
    }
  });

  it('a connection that drops before the body is read fails the later read, and crashes nothing', async () => {
    for (const [name, fetchFn] of transports) {
      const res = await fetchFn(`${origin}/cut`);
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(res.text(), TypeError, name);
    }
  });

  it('an abort before the answer rejects with the signal’s reason', async () => {
    for (const [name, fetchFn] of transports) {
      const reason = new Error(`stop ${name}`);
      const controller = new AbortController();
      const pending = fetchFn(`${origin}/never`, { signal: controller.signal });
      routes.set('/never', () => controller.abort(reason));
      await assert.rejects(pending, (e) => e === reason, name);
    }
  });

  it('an abort while the body is read ends the read with the signal’s reason', async () => {
    for (const [name, fetchFn] of transports) {
      const reason = new Error(`stop ${name}`);
      const controller = new AbortController();
      const res = await fetchFn(`${origin}/slow`, { signal: controller.signal });
      const reader = res.body!.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), 'first', name);
      const next = reader.read();
      controller.abort(reason);
      await assert.rejects(next, (e) => e === reason, name);
    }
  });
});

describe('what nodeFetch must do on its own', () => {
  it('reads an unread body only as it is consumed: an endless answer is held back by the socket', async () => {
    endless.written = 0;
    endless.blocked = false;
    const res = await nodeFetch(`${origin}/endless`);
    const reader = res.body!.getReader();
    await reader.read();
    await until(() => endless.blocked);
    const atBlock = endless.written;
    await new Promise((r) => setTimeout(r, 300));
    // Socket buffers on both sides and node's stream buffer, nothing more: never the whole stream.
    assert.ok(
      endless.written - atBlock < 4 << 20,
      `${endless.written - atBlock} bytes more after it blocked`,
    );
    await reader.cancel();
  });

  it('cancelling a body closes the exchange (the server sees the connection end)', async () => {
    endless.closed = false;
    const res = await nodeFetch(`${origin}/endless`);
    await res.body!.cancel();
    await until(() => endless.closed);
  });

  it('reuses one kept-alive connection for requests one after another', async () => {
    remotePorts.length = 0;
    for (let i = 0; i < 3; i++) await (await nodeFetch(`${origin}/port`)).text();
    assert.equal(new Set(remotePorts).size, 1, `ports ${remotePorts.join(', ')}`);
  });

  it('a gzip bomb under boundedFetch is refused as too large once the decoded bytes pass the cap', async () => {
    const res = boundedFetch(
      nodeFetch,
      `${origin}/bomb`,
      {},
      {
        totalMs: 30_000,
        idleMs: 30_000,
        maxBytes: 1 << 20,
        what: 'bomb',
      },
    );
    const answer = await res;
    await assert.rejects(answer.arrayBuffer(), /larger than 1 MiB/);
  });

  it('the answer carries its URL, as fetch’s does', async () => {
    const res = await nodeFetch(`${origin}/json`);
    assert.equal(res.url, `${origin}/json`);
    await res.text();
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition never held');
}
