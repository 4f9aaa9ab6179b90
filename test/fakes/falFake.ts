import { randomBytes, randomUUID } from 'node:crypto';
import { TARGET_URL_HEADER } from '../../src/core/providers/routes';
import { checkTtsInput, renderMp3, ttsSchema } from './audio';
import {
  buildContextForTarget,
  bytesReply,
  CORRUPT_IMAGE_BYTES,
  clampInt,
  DEFAULT_FAKE_OPTIONS,
  type FakeOptions,
  FakeServer,
  hashToInt,
  jsonReply,
  MEDIA_PREFIX,
  md5Hex,
  numberField,
  type RecordedRequest,
  type Reply,
  type RequestContext,
  type RouteMatch,
  renderPng,
  serveBytes,
  stringField,
} from './common';
import { checkVideoInput, renderMp4, truncated, videoSchema } from './video';

export interface FalFakeOptions extends FakeOptions {
  /**
   * Whether the model app stops when fal passes it a cancel (CANCELLATION_REQUESTED). fal leaves that to
   * the app: "Without cancellation handling, a cancelled request continues … until it finishes naturally".
   */
  cancelStopsRunner: boolean;
  /**
   * Hand out CDN and signed-upload URLs on this server's own origin (`${origin}/_media/v3.fal.media/…`)
   * instead of `https://v3.fal.media/…`, for clients in another process that cannot be given a network
   * where fal's hosts reach this fake. The paths and bytes are the same.
   */
  ownOriginMedia?: boolean;
  /**
   * Act as a studio's `@fal-ai/server-proxy` (1.2.1, default config) at this path, holding `falKey`:
   * requests there must carry `x-fal-target-url`; only its default allowed targets pass; only `x-fal-*`
   * headers are forwarded; the key is added here unless the caller sent an Authorization of its own.
   * In this mode fal's API answers only through the proxy (and media on the own origin).
   */
  serverProxy?: { path: string; falKey: string; allowedUrlPatterns?: string[] };
}

export const DEFAULT_FAL_OPTIONS: FalFakeOptions = { ...DEFAULT_FAKE_OPTIONS, cancelStopsRunner: true };

/** What the result GET answers instead of the output, e.g. a 422 `{detail:[...]}` or a 500 runner error. */
export interface FalFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FalFailOptions extends FalFailure {
  /** How many submitted jobs fail this way; unlimited when omitted. */
  times?: number;
  match?: (job: FalJob) => boolean;
}

export interface FalImage {
  url: string;
  width: number;
  height: number;
  content_type: 'image/png';
}

export interface FalJob {
  id: string;
  /** Full endpoint id as submitted, sub-path included, e.g. `fal-ai/flux/dev`. */
  endpointId: string;
  /** `owner/alias` (with a `workflows/` or `comfy/` prefix): the only part status/result/cancel carry. */
  appId: string;
  input: unknown;
  headers: Record<string, string>;
  /** Epoch milliseconds. */
  submittedAt: number;
  queueMs: number;
  stepMs: number;
  steps: number;
  seed: number;
  images: FalImage[];
  /** Image-to-video jobs answer `{video: {url}}` instead of images. */
  video?: { url: string; seconds: number };
  /** Text-to-speech jobs answer `{audio: {url, content_type}}`. */
  audio?: { url: string; seconds: number };
  failure?: FalFailure;
  canceledAt?: number;
  /** A cancel reached a running job whose app went on (cancelStopsRunner: false). */
  cancelIgnoredAt?: number;
}

export type FalJobPhase = 'queued' | 'running' | 'completed' | 'canceled';

export const FAL_QUEUE_HOST = 'queue.fal.run';
export const FAL_CDN_HOST = 'v3.fal.media';
/** Where signed upload URLs point; the real host is not documented, any `*.fal.media` reaches the fake. */
export const FAL_UPLOAD_HOST = 'upload.fal.media';
const REST_HOSTS = new Set(['rest.fal.ai', 'rest.alpha.fal.ai']);
/** `DEFAULT_ALLOWED_URL_PATTERNS` of @fal-ai/server-proxy 1.2.1 (libs/proxy/src/config.ts), picomatch globs. */
export const FAL_PROXY_DEFAULT_PATTERNS = [
  'fal.run/**',
  'queue.fal.run/**',
  'rest.fal.ai/storage/upload/initiate\\?storage_type=fal-cdn-v3',
  'rest.fal.ai/storage/upload/complete-multipart\\?storage_type=fal-cdn-v3',
];
const NAMESPACES = new Set(['workflows', 'comfy']);
const UNAUTHORIZED_BODY = { detail: 'No user found for Key ID and Secret' };

interface PendingUpload {
  fileUrl: string;
  contentType: string;
  parts: Map<number, Buffer>;
}

interface OutputRef {
  key: string;
  width: number;
  height: number;
  /** A video output: its length (the MP4 is made on first download). */
  seconds?: number;
  /** A speech output (an MP3 of `seconds`). */
  audio?: boolean;
  /** Epoch ms, for expireOutputsAfterMs. */
  createdAt: number;
}

type Phase = { kind: 'queued'; position: number } | { kind: 'running'; done: number } | { kind: 'completed' };

interface FailurePlan extends FalFailure {
  remaining: number;
  match?: (job: FalJob) => boolean;
}

export class FalFake extends FakeServer<FalFakeOptions> {
  readonly jobs = new Map<string, FalJob>();
  /** Requests as they reached the server proxy (what the laptop sent), in server-proxy mode. */
  readonly proxyRequests: RecordedRequest[] = [];
  private readonly pendingUploads = new Map<string, PendingUpload>();
  private readonly outputs = new Map<string, OutputRef>();
  private failurePlans: FailurePlan[] = [];

  constructor(options?: Partial<FalFakeOptions>) {
    super(DEFAULT_FAL_OPTIONS, options);
  }

  /** Where a job is now, as the fake's clock sees it (tests wait on this instead of sleeping). */
  phaseOf(id: string): FalJobPhase | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.canceledAt !== undefined && job.canceledAt <= this.now()) return 'canceled';
    return this.phase(job, this.now()).kind;
  }

  /** Jobs fal would charge for: ran to the end and produced their output. */
  billedJobs(): FalJob[] {
    return [...this.jobs.values()].filter((j) => this.phaseOf(j.id) === 'completed' && !j.failure);
  }

  /** Makes the next matching submissions complete with an error on the result GET, as fal reports them. */
  failJobs(options: FalFailOptions): void {
    const { times, match, ...failure } = options;
    this.failurePlans.push({ ...failure, remaining: times ?? Number.POSITIVE_INFINITY, match });
  }

  clearFailures(): void {
    this.failurePlans = [];
  }

  protected resetState(): void {
    this.proxyRequests.length = 0;
    this.jobs.clear();
    this.pendingUploads.clear();
    this.outputs.clear();
    this.failurePlans = [];
  }

  protected isAuthorized(ctx: RequestContext, apiKey: string): boolean {
    return ctx.headers['authorization'] === `Key ${apiKey}`;
  }

  protected unauthorized(): Reply {
    return jsonReply(401, UNAUTHORIZED_BODY);
  }

  // fal documents concurrency limits, not a request-rate limit, so this body is the fake's own wording.
  protected throttled(retryAfterS: number): Reply {
    return jsonReply(
      429,
      { detail: 'Too many requests. Please retry later.', error_type: 'rate_limited' },
      { 'retry-after': String(retryAfterS), 'x-fal-error-type': 'rate_limited' },
    );
  }

  protected notFound(ctx: RequestContext): Reply {
    const hint = ctx.targetUrl ? '' : ` (no ${TARGET_URL_HEADER} header)`;
    return jsonReply(404, { detail: `Not Found: ${ctx.method} ${ctx.host}${ctx.path}${hint}` });
  }

  /** A URL as this fake hands it out: the real fal form, or its own-origin stand-in. */
  private published(url: string): string {
    if (!this.options.ownOriginMedia) return url;
    const u = new URL(url);
    return `${this.origin}${MEDIA_PREFIX}${u.host}${u.pathname}${u.search}`;
  }

  protected override async preprocess(ctx: RequestContext): Promise<RequestContext | Reply> {
    const proxy = this.options.serverProxy;
    if (!proxy) return ctx;
    if (ctx.localPath.startsWith(MEDIA_PREFIX)) return ctx;
    if (ctx.localPath !== proxy.path) return jsonReply(404, { detail: 'Not Found' });
    this.proxyRequests.push({
      at: this.now() - this.startedAt,
      method: ctx.method,
      host: ctx.host,
      path: ctx.path,
      search: ctx.search,
      route: 'proxy',
      headers: ctx.headers,
      bodyBytes: ctx.body.length,
    });
    // handleRequest() of libs/proxy/src/index.ts, step by step.
    const target = ctx.headers['x-fal-target-url'] ? ctx.targetUrl : undefined;
    if (!target) return jsonReply(400, 'Invalid request');
    const patterns = proxy.allowedUrlPatterns ?? FAL_PROXY_DEFAULT_PATTERNS;
    const plain = `${target.host}${target.pathname}${target.search}`;
    if (!patterns.some((p) => globToRegExp(p).test(plain))) return jsonReply(400, 'Invalid request');
    const authorization = ctx.headers['authorization'] ?? `Key ${proxy.falKey}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.headers)) if (k.startsWith('x-fal-')) headers[k] = v;
    Object.assign(headers, {
      authorization,
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': ctx.headers['user-agent'] ?? '',
      'x-fal-client-proxy': '@fal-ai/server-proxy/express',
    });
    const forwarded = buildContextForTarget(ctx, target, headers);
    return ctx.method === 'GET' ? { ...forwarded, body: Buffer.alloc(0), json: undefined } : forwarded;
  }

  protected matchRoute(ctx: RequestContext): RouteMatch | undefined {
    if (ctx.host === FAL_QUEUE_HOST) return this.matchQueue(ctx);
    if (REST_HOSTS.has(ctx.host)) return this.matchStorage(ctx);
    if (ctx.host === FAL_UPLOAD_HOST) return this.matchUpload(ctx);
    if (ctx.host.endsWith('.fal.media') && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      return { route: 'cdn', auth: false, handle: (c) => this.serveFile(c) };
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Queue
  // ---------------------------------------------------------------------------------------------------------

  private matchQueue(ctx: RequestContext): RouteMatch | undefined {
    const segments = ctx.path.split('/').filter(Boolean);
    const appLength = NAMESPACES.has(segments[0] ?? '') ? 3 : 2;
    if (segments.length < appLength) return undefined;
    const appId = segments.slice(0, appLength).join('/');
    const rest = segments.slice(appLength);
    if (rest[0] === 'requests' && rest[1]) {
      return this.matchRequestRoute(ctx.method, appId, rest[1], rest.slice(2).join('/'));
    }
    if (ctx.method !== 'POST') return undefined;
    return { route: 'submit', auth: true, handle: (c) => this.submit(c, appId, segments.join('/')) };
  }

  private matchRequestRoute(method: string, appId: string, id: string, tail: string): RouteMatch | undefined {
    const key = `${method} ${tail}`;
    if (key === 'GET status')
      return { route: 'status', auth: true, handle: (c) => this.status(c, appId, id) };
    if (key === 'GET ') return { route: 'result', auth: true, handle: () => this.result(appId, id) };
    if (key === 'PUT cancel') return { route: 'cancel', auth: true, handle: () => this.cancel(appId, id) };
    return undefined;
  }

  private submit(ctx: RequestContext, appId: string, endpointId: string): Reply {
    const overLimit = this.admitJob(this.inFlight());
    if (overLimit) return overLimit;
    const id = randomUUID();
    const opts = this.options;
    const input = ctx.json ?? {};
    const schema = videoSchema(endpointId);
    const check = schema ? checkVideoInput(schema, input) : undefined;
    const tts = ttsSchema(endpointId);
    const speech = tts ? checkTtsInput(tts, input) : undefined;
    const refused = check && !check.ok ? check : speech && !speech.ok ? speech : undefined;
    if (refused) {
      // What fal's input validation answers; nothing was queued, nothing is billed.
      return jsonReply(422, {
        detail: [{ loc: ['body', refused.field], msg: refused.message, type: 'value_error' }],
      });
    }
    const seed = numberField(input, 'seed') ?? hashToInt(stringField(input, 'prompt') ?? id);
    const job: FalJob = {
      id,
      endpointId,
      appId,
      input,
      headers: ctx.headers,
      submittedAt: this.now(),
      queueMs: opts.queueMs,
      stepMs: opts.stepMs,
      steps: Math.max(1, opts.steps),
      seed,
      images:
        check?.ok || speech?.ok
          ? []
          : this.planImages(id, seed, clampInt(numberField(input, 'num_images'), 1, 8, 1)),
      video: check?.ok ? this.planVideo(id, seed, check.seconds) : undefined,
      audio: speech?.ok ? this.planAudio(id, speech.text, speech.seconds) : undefined,
    };
    job.failure = this.takeFailure(job);
    this.jobs.set(id, job);
    return jsonReply(
      200,
      { ...this.urls(appId, id), status: 'IN_QUEUE', queue_position: this.queuePosition(job) },
      { 'x-fal-request-id': id },
    );
  }

  /** Jobs queued or running now (what the account's concurrency counts). */
  private inFlight(): number {
    const now = this.now();
    let n = 0;
    for (const job of this.jobs.values()) if (this.phase(job, now).kind !== 'completed') n += 1;
    return n;
  }

  private planImages(id: string, seed: number, count: number): FalImage[] {
    const { width, height } = this.options.outputSize;
    return Array.from({ length: count }, (_, i) => {
      const url = `https://${FAL_CDN_HOST}/files/${id.slice(0, 8)}/${id}-${i}.png`;
      this.outputs.set(url, { key: `${seed}:${i}`, width, height, createdAt: this.now() });
      const published = this.options.outputUrl ?? this.published(url);
      return { url: published, width, height, content_type: 'image/png' as const };
    });
  }

  private planVideo(id: string, seed: number, seconds: number): { url: string; seconds: number } {
    const { width, height } = this.options.videoSize;
    const url = `https://${FAL_CDN_HOST}/files/${id.slice(0, 8)}/${id}-output.mp4`;
    this.outputs.set(url, { key: `fal:${seed}`, width, height, seconds, createdAt: this.now() });
    return { url: this.options.outputUrl ?? this.published(url), seconds };
  }

  private planAudio(id: string, text: string, seconds: number): { url: string; seconds: number } {
    const url = `https://${FAL_CDN_HOST}/files/${id.slice(0, 8)}/${id}.mp3`;
    this.outputs.set(url, {
      key: `tts:${text}`,
      width: 0,
      height: 0,
      seconds,
      audio: true,
      createdAt: this.now(),
    });
    return { url: this.options.outputUrl ?? this.published(url), seconds };
  }

  private takeFailure(job: FalJob): FalFailure | undefined {
    const plan = this.failurePlans.find((p) => p.remaining > 0 && (!p.match || p.match(job)));
    if (!plan) return undefined;
    plan.remaining -= 1;
    return { status: plan.status, body: plan.body, headers: plan.headers };
  }

  private urls(appId: string, id: string) {
    const base = `https://${FAL_QUEUE_HOST}/${appId}/requests/${id}`;
    return { request_id: id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
  }

  private findJob(appId: string, id: string): FalJob | undefined {
    const job = this.jobs.get(id);
    return job && job.appId === appId ? job : undefined;
  }

  private phase(job: FalJob, now: number): Phase {
    if (job.canceledAt !== undefined && job.canceledAt <= now) return { kind: 'completed' };
    const elapsed = now - job.submittedAt;
    if (elapsed < job.queueMs) return { kind: 'queued', position: this.queuePosition(job) };
    const running = elapsed - job.queueMs;
    if (running < job.steps * job.stepMs) return { kind: 'running', done: Math.floor(running / job.stepMs) };
    return { kind: 'completed' };
  }

  /** Requests ahead of this one that are still waiting, which is what fal's `queue_position` counts. */
  private queuePosition(job: FalJob): number {
    const now = this.now();
    let ahead = 0;
    for (const other of this.jobs.values()) {
      if (other.submittedAt >= job.submittedAt || other.id === job.id) continue;
      if (other.canceledAt === undefined && now - other.submittedAt < other.queueMs) ahead += 1;
    }
    return ahead;
  }

  private stepsDone(job: FalJob, now: number): number {
    const end = job.canceledAt ?? Number.POSITIVE_INFINITY;
    const running = Math.min(now, end) - job.submittedAt - job.queueMs;
    return Math.max(0, Math.min(job.steps, Math.floor(running / job.stepMs)));
  }

  private logs(job: FalJob, done: number) {
    return Array.from({ length: done }, (_, i) => ({
      message: `step ${i + 1}/${job.steps}`,
      level: 'INFO',
      source: 'USER',
      timestamp: new Date(job.submittedAt + job.queueMs + (i + 1) * job.stepMs).toISOString(),
    }));
  }

  // Only the three documented status strings are ever sent: the client polls until it sees COMPLETED.
  private status(ctx: RequestContext, appId: string, id: string): Reply {
    const job = this.findJob(appId, id);
    if (!job) return jsonReply(404, { detail: `Request ${id} not found` });
    const now = this.now();
    const phase = this.phase(job, now);
    const withLogs = ctx.query.get('logs') === '1';
    const base = this.urls(appId, id);
    const headers = { 'x-fal-request-id': id };
    if (phase.kind === 'queued') {
      return jsonReply(202, { ...base, status: 'IN_QUEUE', queue_position: phase.position }, headers);
    }
    if (phase.kind === 'running') {
      const logs = withLogs ? { logs: this.logs(job, phase.done) } : {};
      return jsonReply(202, { ...base, status: 'IN_PROGRESS', ...logs }, headers);
    }
    const logs = withLogs ? { logs: this.logs(job, this.stepsDone(job, now)) } : {};
    const inference = job.canceledAt === undefined ? (job.steps * job.stepMs) / 1000 : null;
    return jsonReply(
      200,
      { ...base, status: 'COMPLETED', ...logs, metrics: { inference_time: inference } },
      headers,
    );
  }

  private result(appId: string, id: string): Reply {
    const job = this.findJob(appId, id);
    const headers = { 'x-fal-request-id': id };
    if (!job) return jsonReply(404, { detail: `Request ${id} not found` }, headers);
    if (this.phase(job, this.now()).kind !== 'completed') {
      return jsonReply(400, { detail: 'Request is still in progress' }, headers);
    }
    // Not documented by fal; a non-retryable 400 makes the client reject at once with an ApiError.
    if (job.canceledAt !== undefined) {
      return jsonReply(400, { detail: 'Request was cancelled', error_type: 'client_cancelled' }, headers);
    }
    if (job.failure) return this.failureReply(job.failure, headers);
    return jsonReply(200, this.output(job), headers);
  }

  private failureReply(failure: FalFailure, headers: Record<string, string>): Reply {
    const errorType = stringField(failure.body, 'error_type');
    const typeHeader: Record<string, string> = errorType ? { 'x-fal-error-type': errorType } : {};
    const body = failure.body ?? { detail: 'Internal Server Error', error_type: 'internal_error' };
    return jsonReply(failure.status, body, { ...headers, ...typeHeader, ...failure.headers });
  }

  private output(job: FalJob) {
    if (job.audio) return { audio: { url: job.audio.url, content_type: 'audio/mpeg' } };
    if (job.video) {
      const name = job.video.url.split('/').pop() ?? 'output.mp4';
      return { video: { url: job.video.url, content_type: 'video/mp4', file_name: name }, seed: job.seed };
    }
    return {
      images: job.images,
      seed: job.seed,
      timings: { inference: (job.steps * job.stepMs) / 1000 },
      has_nsfw_concepts: job.images.map(() => false),
      prompt: stringField(job.input, 'prompt') ?? '',
    };
  }

  // The four values fal documents. It maps none of them to an HTTP status; these are the fake's choice.
  private cancel(appId: string, id: string): Reply {
    const job = this.findJob(appId, id);
    if (!job) return jsonReply(404, { status: 'NOT_FOUND' });
    const now = this.now();
    const phase = this.phase(job, now).kind;
    if (phase === 'completed') return jsonReply(400, { status: 'ALREADY_COMPLETED' });
    if (phase === 'queued' || this.options.cancelStopsRunner) {
      job.canceledAt = now;
      this.canceled.add(id);
    } else job.cancelIgnoredAt = now;
    // Still queued: fal removes it. Running: fal signals the app, which decides whether to stop.
    return phase === 'queued'
      ? jsonReply(200, { status: 'OK' })
      : jsonReply(202, { status: 'CANCELLATION_REQUESTED' });
  }

  // ---------------------------------------------------------------------------------------------------------
  // Storage
  // ---------------------------------------------------------------------------------------------------------

  private matchStorage(ctx: RequestContext): RouteMatch | undefined {
    if (ctx.method !== 'POST') return undefined;
    if (ctx.path === '/storage/upload/initiate' || ctx.path === '/storage/upload/initiate-multipart') {
      return { route: 'upload.initiate', auth: true, handle: (c) => this.initiateUpload(c) };
    }
    return undefined;
  }

  private initiateUpload(ctx: RequestContext): Reply {
    const contentType = stringField(ctx.json, 'content_type') ?? 'application/octet-stream';
    const fileName = stringField(ctx.json, 'file_name') ?? `${Date.now()}.bin`;
    const token = randomBytes(12).toString('hex');
    const fileUrl = `https://${FAL_CDN_HOST}/files/${token.slice(0, 8)}/${encodeURIComponent(fileName)}`;
    this.pendingUploads.set(token, { fileUrl, contentType, parts: new Map() });
    const signature = randomBytes(8).toString('hex');
    const uploadUrl = `https://${FAL_UPLOAD_HOST}/upload/${token}?expires=${Date.now() + 3_600_000}&signature=${signature}`;
    return jsonReply(200, { upload_url: this.published(uploadUrl), file_url: this.published(fileUrl) });
  }

  /** `/upload/{token}` takes a single PUT; `/{n}` and `/complete` are the client's multipart protocol. */
  private matchUpload(ctx: RequestContext): RouteMatch | undefined {
    const [kind, token, tail] = ctx.path.split('/').filter(Boolean);
    if (kind !== 'upload' || !token) return undefined;
    if (ctx.method === 'PUT' && tail === undefined) {
      return { route: 'upload.put', auth: false, handle: (c) => this.putUpload(c, token) };
    }
    if (ctx.method === 'PUT' && tail && /^\d+$/.test(tail)) {
      return { route: 'upload.put', auth: false, handle: (c) => this.putPart(c, token, Number(tail)) };
    }
    if (ctx.method === 'POST' && tail === 'complete') {
      return { route: 'upload.complete', auth: false, handle: () => this.completeUpload(token) };
    }
    return undefined;
  }

  private async putUpload(ctx: RequestContext, token: string): Promise<Reply> {
    const pending = this.pendingUploads.get(token);
    if (!pending) return uploadNotFound();
    await this.sleep(this.options.uploadLatencyMs);
    const contentType = ctx.headers['content-type'] ?? pending.contentType;
    this.uploads.set(pending.fileUrl, { bytes: ctx.body, contentType, uploadedAt: this.now() });
    this.pendingUploads.delete(token);
    return jsonReply(200, {}, { etag: `"${md5Hex(ctx.body)}"` });
  }

  private async putPart(ctx: RequestContext, token: string, partNumber: number): Promise<Reply> {
    const pending = this.pendingUploads.get(token);
    if (!pending) return uploadNotFound();
    await this.sleep(this.options.uploadLatencyMs);
    pending.parts.set(partNumber, ctx.body);
    return jsonReply(200, { partNumber, etag: md5Hex(ctx.body) });
  }

  private completeUpload(token: string): Reply {
    const pending = this.pendingUploads.get(token);
    if (!pending) return uploadNotFound();
    const ordered = [...pending.parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes);
    this.uploads.set(pending.fileUrl, {
      bytes: Buffer.concat(ordered),
      contentType: pending.contentType,
      uploadedAt: this.now(),
    });
    this.pendingUploads.delete(token);
    return jsonReply(200, { file_url: this.published(pending.fileUrl) });
  }

  private async serveFile(ctx: RequestContext): Promise<Reply> {
    const url = `https://${ctx.host}${ctx.path}`;
    const range = ctx.headers['range'];
    const upload = this.uploads.get(url);
    if (upload)
      return this.isExpired(upload) ? fileNotFound() : serveBytes(range, upload.bytes, upload.contentType);
    const output = this.outputs.get(url);
    if (!output) return fileNotFound();
    const ttl = this.options.expireOutputsAfterMs;
    if (ttl !== undefined && this.now() - output.createdAt > ttl) return fileNotFound();
    if (output.audio) {
      const mp3 = this.options.corruptOutputs
        ? CORRUPT_IMAGE_BYTES
        : await renderMp3(output.key, output.seconds ?? 1);
      return serveBytes(range, mp3, 'audio/mpeg');
    }
    if (output.seconds !== undefined) {
      const size = { ...this.options.videoSize, width: output.width, height: output.height };
      const mp4 = this.options.corruptOutputs
        ? CORRUPT_IMAGE_BYTES
        : await renderMp4(output.key, output.seconds, size);
      return serveBytes(range, this.options.truncateVideos ? truncated(mp4) : mp4, 'video/mp4');
    }
    const bytes = this.options.corruptOutputs
      ? CORRUPT_IMAGE_BYTES
      : await renderPng(`fal:${output.key}`, { width: output.width, height: output.height });
    return serveBytes(range, bytes, 'image/png');
  }
}

/** picomatch's glob syntax as the proxy uses it: `**` any run, `*` within a segment, `\\?` a literal `?`. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function uploadNotFound(): Reply {
  return jsonReply(404, { detail: 'Upload not found or already completed' });
}

function fileNotFound(): Reply {
  return bytesReply(404, Buffer.from('Not Found'), 'text/plain');
}

export async function startFalFake(options?: Partial<FalFakeOptions>): Promise<FalFake> {
  return new FalFake(options).listen();
}
