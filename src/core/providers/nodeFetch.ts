// The fetch underneath every provider request: node's http/https client behind the fetch interface both
// SDKs take. Node's built-in fetch (undici) builds a Request, two or three AbortSignals, a fetch
// controller, timing info and up to three web streams per exchange; with sixteen jobs in flight those
// live long enough to be promoted, and that garbage set the render's peak memory (measured: 150 KB per
// shot promoted and collected, most of it fetch's own; 5,000 shots peaked at 338 MiB with it, 259 MiB
// with this). What it keeps of fetch: the interface, keep-alive (node's global agents, which VS Code's
// proxy support patches like it patches fetch), gzip/deflate/br decoding, backpressure (the body is
// read only as it is consumed), abort at any point with the signal's reason, and undici's error shapes
// ("fetch failed" with the socket error as its cause; "terminated" for a body cut short) that the error
// mapping reads. What it leaves to the layers above: redirects (never followed here: egressFetch checks
// every hop), and every bound on time and size (boundedFetch).
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { NULL_BODY } from './boundedFetch';
import type { FetchFn } from './routes';

/** What undici's fetch sends when the caller does not say. */
const DEFAULT_HEADERS: Record<string, string> = {
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': 'node',
};

export const nodeFetch: FetchFn = async (input, init = {}) => {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : String(input));
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) });
  const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
  const signal = init.signal ?? request?.signal ?? undefined;
  signal?.throwIfAborted();
  const headers: Record<string, string> = {};
  for (const [k, v] of new Headers(init.headers ?? request?.headers)) headers[k] = v;
  for (const [k, v] of Object.entries(DEFAULT_HEADERS)) headers[k] ??= v;
  const body = init.body !== undefined ? init.body : (request?.body ?? null);
  if (body != null && (method === 'GET' || method === 'HEAD'))
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  const payload = await encodeBody(body, headers);
  signal?.throwIfAborted();

  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method, headers });
    let res: http.IncomingMessage | undefined;
    const onAbort = () => {
      const reason: unknown = signal?.reason;
      req.destroy(reason instanceof Error ? reason : undefined);
      res?.destroy(reason instanceof Error ? reason : undefined);
      if (!answered) reject(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const release = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (err) => {
      if (answered) return; // a body cut short errors its stream (see bodyOf)
      release();
      if (!signal?.aborted) reject(new TypeError('fetch failed', { cause: err }));
    });
    req.on('response', (incoming) => {
      res = incoming;
      answered = true;
      const status = incoming.statusCode ?? 0;
      const noBody = method === 'HEAD' || NULL_BODY.has(status);
      if (noBody) {
        incoming.resume();
        release();
      }
      const response = new Response(noBody ? null : bodyOf(incoming, release, signal), {
        status,
        statusText: incoming.statusMessage ?? '',
        headers: headersOf(incoming.rawHeaders),
      });
      Object.defineProperty(response, 'url', { value: url.href });
      resolve(response);
    });
    if (payload instanceof Uint8Array || payload === undefined) req.end(payload);
    else
      pipeline(payload, req, (err) => {
        if (err) req.destroy(err);
      });
  });
};

/** The request body as bytes (content-type filled in as fetch would), or a stream for a stream. */
async function encodeBody(
  body: RequestInit['body'],
  headers: Record<string, string>,
): Promise<Uint8Array | Readable | undefined> {
  if (body == null) return undefined;
  let bytes: Uint8Array;
  if (typeof body === 'string') bytes = Buffer.from(body);
  else if (ArrayBuffer.isView(body)) bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
  else if (body instanceof ReadableStream)
    return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  else {
    // Blob, FormData, URLSearchParams: fetch's own encoding (multipart boundary, content type).
    const encoded = new Response(body);
    const type = encoded.headers.get('content-type');
    if (type) headers['content-type'] ??= type;
    bytes = new Uint8Array(await encoded.arrayBuffer());
  }
  if (typeof body === 'string') headers['content-type'] ??= 'text/plain;charset=UTF-8';
  headers['content-length'] = String(bytes.byteLength);
  return bytes;
}

function headersOf(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // a header fetch could not represent either; undici drops it too
    }
  }
  return headers;
}

/** Content codings in the order they were applied, as decoders to undo them (unknown ones stay as they are). */
function decoders(coding: string | undefined): Transform[] | undefined {
  if (!coding) return undefined;
  const out: Transform[] = [];
  // Lenient like undici: a body that ends without its trailer still yields what was decoded.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  for (const c of coding
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .reverse()) {
    if (c === 'gzip' || c === 'x-gzip') out.push(zlib.createGunzip(flush));
    else if (c === 'deflate') out.push(zlib.createInflate(flush));
    else if (c === 'br')
      out.push(
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        }),
      );
    else if (c !== 'identity' && c !== '') return undefined;
  }
  return out.length ? out : undefined;
}

/**
 * The response body as a web stream that reads the socket only when its reader asks (a slow consumer
 * holds the server back instead of buffering), decoded, and errored as undici errors it.
 */
function bodyOf(
  incoming: http.IncomingMessage,
  release: () => void,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const stages = decoders(incoming.headers['content-encoding']);
  const source: Readable = stages
    ? (pipeline([incoming, ...stages], () => undefined) as unknown as Readable)
    : incoming;
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const stop = () => {
    release();
    incoming.destroy();
    for (const s of stages ?? []) s.destroy();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(out) {
        try {
          const next = await chunks.next();
          if (next.done) {
            release();
            out.close();
          } else out.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
        } catch (err) {
          stop();
          out.error(signal?.aborted ? signal.reason : new TypeError('terminated', { cause: err }));
        }
      },
      async cancel() {
        stop();
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
