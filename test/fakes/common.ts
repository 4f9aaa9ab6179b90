import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { FAL_TARGET_URL_HEADER, TARGET_URL_HEADER } from '../../src/core/providers/routes';
import { DEFAULT_VIDEO_SIZE, type VideoSize } from './video';

// ---------------------------------------------------------------------------------------------------------
// Public types shared by both fakes
// ---------------------------------------------------------------------------------------------------------

export interface RecordedRequest {
  /** Milliseconds since the fake started. */
  at: number;
  method: string;
  /** Host of the original provider URL (from the redirect header), or `'api'` for a direct request. */
  host: string;
  path: string;
  search: string;
  route: string;
  /** Lower-cased names; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  bodyBytes: number;
  json?: unknown;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** The connection drops before the provider sees the request: nothing happened there. */
  | { kind: 'drop' }
  /** The provider handles the request (a submit creates its job), then the answer is lost on the way. */
  | { kind: 'drop-after' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  /** Headers at once, then one byte every `intervalMs` until the client hangs up (a dying link). */
  | { kind: 'trickle'; intervalMs: number; status?: number; contentType?: string; prefix?: string }
  /**
   * A body that does not end: `prefix`, then filler as fast as the client reads, until the client hangs
   * up or `stopAfterBytes` (a safety stop, so a client that buffers everything cannot eat the machine).
   * `contentLength` declares a size up front (a lie when it is larger than what is sent).
   */
  | {
      kind: 'endless';
      stopAfterBytes: number;
      status?: number;
      contentType?: string;
      prefix?: string;
      contentLength?: number;
    }
  /** The normal reply, but only its first `afterBytes` body bytes until `releaseStalled()` is called. */
  | { kind: 'stall'; afterBytes: number };

/** What a streaming fault (trickle, endless, stall) sent before it ended. */
export interface StreamRecord {
  route: string;
  path: string;
  bytesSent: number;
  /** The client closed the connection before the fake was done sending. */
  closedByClient: boolean;
  done: boolean;
}

/** A fault that was applied to a request, so a test can check its fault really fired. */
export interface FiredFault {
  route: string;
  kind: Fault['kind'];
  /** Milliseconds since the fake started. */
  at: number;
}

export interface InjectOptions {
  /** How many matching requests the fault applies to; unlimited when omitted. */
  times?: number;
  match?: (req: RecordedRequest) => boolean;
}

export interface RateLimit {
  maxPerSecond: number;
  retryAfterS: number;
}

export interface OutputSize {
  width: number;
  height: number;
}

export interface FakeOptions {
  /** Added before every response, faults and rejections included. */
  latencyMs: number;
  /** Duration of one generation step. */
  stepMs: number;
  /** Number of progress steps a generation reports. */
  steps: number;
  /** Time a job spends queued before it starts running. */
  queueMs: number;
  /** Extra time an upload's byte transfer takes. */
  uploadLatencyMs: number;
  /** Uploaded files answer 404 once older than this. Never expire when undefined. */
  expireUploadsAfterMs?: number;
  /** Output downloads return bytes that are not an image. */
  corruptOutputs: boolean;
  outputSize: OutputSize;
  /** Sliding one-second window over every request this fake receives. */
  rateLimit?: RateLimit;
  /** When set, authenticated routes reject requests without this key. */
  apiKey?: string;
  /** Every output URL a job returns is this one (a hostile or broken provider response). */
  outputUrl?: string;
  /** Video outputs (MP4s made with ffmpeg): frame size and rate. */
  videoSize: VideoSize;
  /** Video outputs are served cut off at 60 % (a truncated MP4 on the CDN). */
  truncateVideos: boolean;
  /** Output URLs answer 404 once older than this (Replicate deletes API outputs after an hour). */
  expireOutputsAfterMs?: number;
  /**
   * The account's limit on jobs in flight (queued or running). A submit beyond it is answered 429 with
   * the provider's throttle body. Replicate answers 429 on over-use; fal's queue documents holding such
   * requests instead, so for fal this is a stricter, test-only account that makes over-subscription by a
   * render farm visible as a refusal rather than a silent wait.
   */
  concurrencyLimit?: number;
}

export const DEFAULT_FAKE_OPTIONS: FakeOptions = {
  latencyMs: 0,
  stepMs: 20,
  steps: 24,
  queueMs: 40,
  uploadLatencyMs: 0,
  corruptOutputs: false,
  outputSize: { width: 512, height: 288 },
  videoSize: DEFAULT_VIDEO_SIZE,
  truncateVideos: false,
};

export interface UploadedFile {
  bytes: Buffer;
  contentType: string;
  /** Epoch milliseconds. */
  uploadedAt: number;
}

// ---------------------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------------------

export type ReplyBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; value: Buffer; contentType: string }
  | { kind: 'empty' };

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: ReplyBody;
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, headers, body: { kind: 'json', value } };
}

export function bytesReply(
  status: number,
  value: Buffer,
  contentType: string,
  headers?: Record<string, string>,
): Reply {
  return { status, headers, body: { kind: 'bytes', value, contentType } };
}

export function emptyReply(status: number, headers?: Record<string, string>): Reply {
  return { status, headers, body: { kind: 'empty' } };
}

/** A fault's `body` may be a string (sent as text, like a proxy's error page) or anything JSON. */
function faultReply(fault: Extract<Fault, { kind: 'status' }>): Reply {
  const body = fault.body ?? { detail: STATUS_CODES[fault.status] ?? 'Error' };
  if (Buffer.isBuffer(body)) {
    const type = fault.headers?.['content-type'] ?? 'application/octet-stream';
    return bytesReply(fault.status, body, type, fault.headers);
  }
  if (typeof body === 'string')
    return bytesReply(fault.status, Buffer.from(body), 'text/plain', fault.headers);
  return jsonReply(fault.status, body, fault.headers);
}

/**
 * Serves stored bytes the way a CDN does: HEAD gets headers only (node drops the body), and a single
 * `Range: bytes=a-b` is honoured because download code probes files with `bytes=0-0`.
 */
export function serveBytes(rangeHeader: string | undefined, bytes: Buffer, contentType: string): Reply {
  const base = { 'accept-ranges': 'bytes' };
  if (!rangeHeader) return bytesReply(200, bytes, contentType, base);
  const range = parseRange(rangeHeader, bytes.length);
  if (!range) {
    return bytesReply(416, Buffer.alloc(0), contentType, {
      ...base,
      'content-range': `bytes */${bytes.length}`,
    });
  }
  const slice = bytes.subarray(range.start, range.end + 1);
  return bytesReply(206, slice, contentType, {
    ...base,
    'content-range': `bytes ${range.start}-${range.end}/${bytes.length}`,
  });
}

function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || size === 0) return undefined;
  const [, from = '', to = ''] = m;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Math.min(Number(to), size);
    return suffix === 0 ? undefined : { start: size - suffix, end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start > end || start >= size ? undefined : { start, end };
}

// ---------------------------------------------------------------------------------------------------------
// Value helpers
// ---------------------------------------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

export function numberField(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** A stable 31-bit integer from any text, used where a provider would pick a random seed. */
export function hashToInt(text: string): number {
  return Number.parseInt(sha256Hex(text).slice(0, 8), 16) & 0x7fffffff;
}

export function sleepFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseJsonBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0 || !contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Multipart (Replicate's files API); parsed by hand so the fakes need no new dependency
// ---------------------------------------------------------------------------------------------------------

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const token = boundary?.[1] ?? boundary?.[2];
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !token) return undefined;
  const delimiter = Buffer.from(`--${token}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) return undefined;
    // Each part sits between the CRLF after one delimiter and the CRLF before the next.
    const part = parsePart(body.subarray(start + 2, next - 2));
    if (!part) return undefined;
    parts.push(part);
    pos = next;
  }
  return parts;
}

function parsePart(raw: Buffer): MultipartPart | undefined {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) return undefined;
  const headers = new Map<string, string>();
  for (const line of raw.subarray(0, split).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
  if (name === undefined) return undefined;
  return {
    name,
    filename: /\bfilename="([^"]*)"/.exec(disposition)?.[1],
    contentType: headers.get('content-type'),
    data: Buffer.from(raw.subarray(split + 4)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------------------

const IMAGE_CACHE_LIMIT = 512;
const imageCache = new Map<string, Promise<Buffer>>();

/** Bytes that look nothing like an image, for `corruptOutputs`. */
export const CORRUPT_IMAGE_BYTES = Buffer.from('<html><body>upstream error: not an image</body></html>\n');

/**
 * A real, decodable PNG whose colour follows from `key`. Shared across fakes and cached, because a
 * benchmark may download thousands of outputs and sharp's encode is the only costly part of a fake.
 */
export function renderPng(key: string, size: OutputSize): Promise<Buffer> {
  const cacheKey = `${key}@${size.width}x${size.height}`;
  const cached = imageCache.get(cacheKey);
  if (cached) return cached;
  const digest = createHash('sha256').update(key).digest();
  const background = { r: digest[0] ?? 0, g: digest[1] ?? 0, b: digest[2] ?? 0 };
  const png = sharp({ create: { width: size.width, height: size.height, channels: 3, background } })
    .png()
    .toBuffer();
  if (imageCache.size >= IMAGE_CACHE_LIMIT) {
    const oldest = imageCache.keys().next().value;
    if (oldest !== undefined) imageCache.delete(oldest);
  }
  imageCache.set(cacheKey, png);
  png.catch(() => imageCache.delete(cacheKey));
  return png;
}

// ---------------------------------------------------------------------------------------------------------
// The server core
// ---------------------------------------------------------------------------------------------------------

/** What a provider sees of an incoming request once the redirect header has been undone. */
export interface RequestContext {
  method: string;
  host: string;
  /** The original absolute URL when the request came through the redirect. */
  targetUrl?: URL;
  path: string;
  search: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  json?: unknown;
  /** The path the request was sent to on this server, before any target header was undone. */
  localPath: string;
}

/** Where own-origin media live: `${origin}/_media/<host>/<path>` stands for `https://<host>/<path>`. */
export const MEDIA_PREFIX = '/_media/';

export interface RouteMatch {
  route: string;
  /** Whether the provider checks credentials on this route (CDN and signed upload URLs do not). */
  auth: boolean;
  handle: (ctx: RequestContext) => Reply | Promise<Reply>;
}

interface ActiveFault {
  route: string;
  fault: Fault;
  remaining: number;
  match?: (req: RecordedRequest) => boolean;
}

class FakeClosedError extends Error {
  constructor() {
    super('fake closed');
  }
}

const ADMIN_PREFIX = '/__fake/';

/**
 * Plumbing shared by both fakes: recording, faults, rate limiting, auth, latency, admin endpoints and
 * shutdown. Providers only map a request to a route and answer it.
 */
export abstract class FakeServer<O extends FakeOptions> {
  readonly requests: RecordedRequest[] = [];
  readonly uploads = new Map<string, UploadedFile>();
  readonly canceled = new Set<string>();
  readonly fired: FiredFault[] = [];
  /** What each streaming fault sent; see StreamRecord. */
  readonly streams: StreamRecord[] = [];
  /** Jobs in flight at once (peak) and submits refused by the account's concurrency limit. */
  readonly concurrency = { peak: 0, refused: 0 };
  origin = '';
  private readonly inflight = new Map<string, number>();
  private readonly peaks = new Map<string, number>();
  private stalled: (() => void)[] = [];
  protected readonly startedAt = Date.now();
  private opts: O;
  private readonly server: Server;
  private faults: ActiveFault[] = [];
  private admitted: number[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();
  private closed = false;

  protected constructor(defaults: O, options: Partial<O> | undefined) {
    this.opts = { ...defaults, ...options };
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => this.onHandlerError(res, error));
    });
  }

  get options(): Readonly<O> {
    return this.opts;
  }

  configure(partial: Partial<O>): void {
    this.opts = { ...this.opts, ...partial };
  }

  count(route: string): number {
    return this.requests.filter((r) => r.route === route).length;
  }

  /** How many times a fault of this kind (any kind when omitted) was applied on this route. */
  firedCount(route: string, kind?: Fault['kind']): number {
    return this.fired.filter((f) => f.route === route && (kind === undefined || f.kind === kind)).length;
  }

  /** Most requests of this route the fake was answering at the same time. */
  peakInflight(route: string): number {
    return this.peaks.get(route) ?? 0;
  }

  /** Lets every `stall` fault send the rest of its body. */
  releaseStalled(): void {
    const waiting = this.stalled;
    this.stalled = [];
    for (const release of waiting) release();
  }

  /** Route `'*'` matches every route. */
  inject(route: string, fault: Fault, options: InjectOptions = {}): void {
    this.faults.push({
      route,
      fault,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      match: options.match,
    });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Forgets records, faults and provider state; options stay as configured. */
  /** Forgets the request log and faults but keeps state (uploaded files, jobs): "the next run". */
  clearRecords(): void {
    this.requests.length = 0;
    this.fired.length = 0;
    this.streams.length = 0;
    this.peaks.clear();
    this.faults = [];
    this.admitted = [];
  }

  reset(): void {
    this.concurrency.peak = 0;
    this.concurrency.refused = 0;
    this.requests.length = 0;
    this.fired.length = 0;
    this.streams.length = 0;
    this.peaks.clear();
    this.releaseStalled();
    this.uploads.clear();
    this.canceled.clear();
    this.faults = [];
    this.admitted = [];
    this.resetState();
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseStalled();
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.reject(new FakeClosedError());
    }
    this.timers.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Hung requests and idle keep-alive sockets would otherwise hold close() open forever.
    this.server.closeAllConnections();
    await done;
  }

  protected abstract matchRoute(ctx: RequestContext): RouteMatch | undefined;
  protected abstract isAuthorized(ctx: RequestContext, apiKey: string): boolean;
  protected abstract unauthorized(): Reply;
  protected abstract throttled(retryAfterS: number): Reply;
  protected abstract notFound(ctx: RequestContext): Reply;
  protected abstract resetState(): void;

  /**
   * A request that is not for the provider itself (e.g. a server proxy in front of it) may be answered or
   * rewritten here before routing; the default sends every request straight to the provider.
   */
  protected async preprocess(ctx: RequestContext): Promise<RequestContext | Reply> {
    return ctx;
  }

  protected now(): number {
    return Date.now();
  }

  /** A timer that close() cancels, so held requests cannot keep the process alive. */
  protected sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(new FakeClosedError());
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        reject,
      };
      this.timers.add(entry);
    });
  }

  /** A submit's admission under `concurrencyLimit`: a 429 reply when the account is full, else undefined. */
  protected admitJob(inFlight: number): Reply | undefined {
    const limit = this.opts.concurrencyLimit;
    if (limit !== undefined && inFlight >= limit) {
      this.concurrency.refused += 1;
      return this.throttled(1);
    }
    this.concurrency.peak = Math.max(this.concurrency.peak, inFlight + 1);
    return undefined;
  }

  protected isExpired(file: UploadedFile): boolean {
    const ttl = this.opts.expireUploadsAfterMs;
    return ttl !== undefined && this.now() - file.uploadedAt > ttl;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const incoming = buildContext(req, body);
    if (!incoming.targetUrl && incoming.path.startsWith(ADMIN_PREFIX)) {
      await this.send(res, this.handleAdmin(incoming), false);
      return;
    }
    const ctx = await this.preprocess(incoming);
    if (!('method' in ctx)) {
      await this.send(res, ctx, true);
      return;
    }
    const match = this.matchRoute(ctx) ?? { route: 'unknown', auth: false, handle: (c) => this.notFound(c) };
    const record = this.record(ctx, match.route);
    this.track(match.route, res);
    const fault = this.takeFault(record);
    if (fault) this.fired.push({ route: record.route, kind: fault.kind, at: record.at });
    if (fault && (await this.applyFault(fault, res, record, () => this.answer(ctx, match)))) return;
    const reply = await this.answer(ctx, match);
    if (fault?.kind === 'drop-after') {
      res.socket?.destroy();
      return;
    }
    await this.send(res, reply, true);
  }

  private track(route: string, res: ServerResponse): void {
    const now = (this.inflight.get(route) ?? 0) + 1;
    this.inflight.set(route, now);
    this.peaks.set(route, Math.max(now, this.peaks.get(route) ?? 0));
    res.once('close', () => this.inflight.set(route, (this.inflight.get(route) ?? 1) - 1));
  }

  private async answer(ctx: RequestContext, match: RouteMatch): Promise<Reply> {
    const limit = this.opts.rateLimit;
    if (limit && !this.admit(limit)) return this.throttled(limit.retryAfterS);
    const key = this.opts.apiKey;
    if (match.auth && key !== undefined && !this.isAuthorized(ctx, key)) return this.unauthorized();
    return match.handle(ctx);
  }

  /** Throttled requests do not use up the window, so a client that backs off gets through again. */
  private admit(limit: RateLimit): boolean {
    const now = this.now();
    this.admitted = this.admitted.filter((t) => now - t < 1000);
    if (this.admitted.length >= limit.maxPerSecond) return false;
    this.admitted.push(now);
    return true;
  }

  private record(ctx: RequestContext, route: string): RecordedRequest {
    const record: RecordedRequest = {
      at: this.now() - this.startedAt,
      method: ctx.method,
      host: ctx.host,
      path: ctx.path,
      search: ctx.search,
      route,
      headers: ctx.headers,
      bodyBytes: ctx.body.length,
    };
    if (ctx.json !== undefined) record.json = ctx.json;
    this.requests.push(record);
    return record;
  }

  private takeFault(record: RecordedRequest): Fault | undefined {
    const active = this.faults.find(
      (f) =>
        (f.route === '*' || f.route === record.route) && f.remaining > 0 && (!f.match || f.match(record)),
    );
    if (!active) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) this.faults = this.faults.filter((f) => f !== active);
    return active.fault;
  }

  /** Returns true when the fault has dealt with the response; a delay lets normal handling go on. */
  private async applyFault(
    fault: Fault,
    res: ServerResponse,
    record: RecordedRequest,
    answer: () => Promise<Reply>,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'trickle':
      case 'endless':
      case 'stall': {
        const stream: StreamRecord = {
          route: record.route,
          path: record.path,
          bytesSent: 0,
          closedByClient: false,
          done: false,
        };
        this.streams.push(stream);
        await this.stream(fault, res, stream, answer);
        return true;
      }
      case 'drop':
        res.socket?.destroy();
        return true;
      case 'hang':
        return true;
      case 'drop-after':
        return false;
      case 'delay':
        await this.sleep(fault.ms);
        return false;
      case 'status':
        await this.send(res, faultReply(fault), true);
        return true;
    }
  }

  private async stream(
    fault: Extract<Fault, { kind: 'trickle' | 'endless' | 'stall' }>,
    res: ServerResponse,
    stream: StreamRecord,
    answer: () => Promise<Reply>,
  ): Promise<void> {
    let closed = false;
    res.once('close', () => {
      closed = true;
      if (!stream.done) stream.closedByClient = true;
    });
    const write = (chunk: Buffer): Promise<void> =>
      new Promise((resolve) => {
        stream.bytesSent += chunk.length;
        if (res.write(chunk)) resolve();
        else {
          const go = () => {
            res.off('close', go);
            res.off('drain', go);
            resolve();
          };
          res.once('drain', go);
          res.once('close', go);
        }
      });
    const finish = () => {
      stream.done = true;
      if (!closed) res.end();
    };
    if (fault.kind === 'stall') {
      const reply = await answer();
      const body = reply.body.kind === 'bytes' ? reply.body.value : Buffer.alloc(0);
      const type = reply.body.kind === 'bytes' ? reply.body.contentType : 'application/octet-stream';
      res.writeHead(reply.status, {
        ...reply.headers,
        'content-type': type,
        'content-length': String(body.length),
      });
      await write(body.subarray(0, fault.afterBytes));
      await new Promise<void>((resolve) => {
        this.stalled.push(resolve);
        res.once('close', resolve);
      });
      if (!closed) await write(body.subarray(fault.afterBytes));
      finish();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': fault.contentType ?? 'application/json',
    };
    if (fault.kind === 'endless' && fault.contentLength !== undefined)
      headers['content-length'] = String(fault.contentLength);
    res.writeHead(fault.status ?? 200, headers);
    if (fault.prefix) await write(Buffer.from(fault.prefix));
    if (fault.kind === 'trickle') {
      while (!closed && !this.closed) {
        await this.sleep(fault.intervalMs).catch(() => undefined);
        if (!closed) await write(Buffer.from(' '));
      }
      finish();
      return;
    }
    const filler = Buffer.alloc(64 * 1024, 0x20);
    while (!closed && !this.closed && stream.bytesSent < fault.stopAfterBytes) await write(filler);
    finish();
  }

  private async send(res: ServerResponse, reply: Reply, withLatency: boolean): Promise<void> {
    if (withLatency) await this.sleep(this.opts.latencyMs);
    if (res.destroyed || res.writableEnded) return;
    writeReply(res, reply);
  }

  private onHandlerError(res: ServerResponse, error: unknown): void {
    if (error instanceof FakeClosedError || res.destroyed) {
      res.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (!res.headersSent) writeReply(res, jsonReply(500, { detail: `fake internal error: ${message}` }));
    else res.destroy();
  }

  /**
   * Lets a benchmark or e2e run drive a fake that lives in another process (see serve.ts). Admin calls are
   * not recorded, throttled or faulted.
   */
  private handleAdmin(ctx: RequestContext): Reply {
    const action = `${ctx.method} ${ctx.path.slice(ADMIN_PREFIX.length)}`;
    switch (action) {
      case 'GET requests':
        return jsonReply(200, this.requests);
      case 'GET options':
        return jsonReply(200, this.opts);
      case 'GET concurrency':
        return jsonReply(200, this.concurrency);
      case 'POST reset':
        this.reset();
        return emptyReply(204);
      case 'POST clear-faults':
        this.clearFaults();
        return emptyReply(204);
      case 'POST configure':
        if (!isRecord(ctx.json)) return jsonReply(400, { detail: 'expected a JSON object of options' });
        this.configure(ctx.json as Partial<O>);
        return jsonReply(200, this.opts);
      case 'POST inject':
        return this.injectFromJson(ctx.json);
      default:
        return jsonReply(404, { detail: `unknown admin action ${action}` });
    }
  }

  private injectFromJson(body: unknown): Reply {
    const route = stringField(body, 'route');
    const fault = isRecord(body) ? body['fault'] : undefined;
    if (!route || !isFault(fault)) return jsonReply(400, { detail: 'expected {route, fault, times?}' });
    this.inject(route, fault, { times: numberField(body, 'times') });
    return emptyReply(204);
  }
}

function isFault(value: unknown): value is Fault {
  const kind = stringField(value, 'kind');
  if (kind === 'drop' || kind === 'drop-after' || kind === 'hang') return true;
  if (kind === 'trickle') return numberField(value, 'intervalMs') !== undefined;
  if (kind === 'endless') return numberField(value, 'stopAfterBytes') !== undefined;
  if (kind === 'stall') return numberField(value, 'afterBytes') !== undefined;
  if (kind === 'delay') return numberField(value, 'ms') !== undefined;
  if (kind === 'status') return numberField(value, 'status') !== undefined;
  return false;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function buildContext(req: IncomingMessage, body: Buffer): RequestContext {
  const headers = lowerCaseHeaders(req);
  const local = new URL(req.url ?? '/', 'http://fake.invalid');
  // fal's proxy protocol header, Dailies' own gateway header, or an own-origin media path.
  const target =
    parseTarget(headers[FAL_TARGET_URL_HEADER]) ??
    parseTarget(headers[TARGET_URL_HEADER]) ??
    mediaTarget(local);
  const url = target ?? local;
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    host: target ? target.host : 'api',
    targetUrl: target,
    path: url.pathname,
    search: url.search,
    query: url.searchParams,
    headers,
    body,
    json: parseJsonBody(body, headers['content-type']),
    localPath: local.pathname,
  };
}

function mediaTarget(local: URL): URL | undefined {
  if (!local.pathname.startsWith(MEDIA_PREFIX)) return undefined;
  return parseTarget(`https://${local.pathname.slice(MEDIA_PREFIX.length)}${local.search}`);
}

export function buildContextForTarget(
  ctx: RequestContext,
  target: URL,
  headers: Record<string, string>,
): RequestContext {
  return {
    ...ctx,
    host: target.host,
    targetUrl: target,
    path: target.pathname,
    search: target.search,
    query: target.searchParams,
    headers,
  };
}

function parseTarget(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.body.kind === 'json') {
    payload = Buffer.from(JSON.stringify(reply.body.value));
    headers['content-type'] ??= 'application/json';
  } else if (reply.body.kind === 'bytes') {
    payload = reply.body.value;
    headers['content-type'] ??= reply.body.contentType;
  }
  if (reply.status !== 204 && reply.status !== 304) headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(reply.status, headers);
  res.end(payload);
}
