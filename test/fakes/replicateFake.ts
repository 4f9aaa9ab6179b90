import { randomBytes } from 'node:crypto';
import { checkTtsInput, renderMp3, ttsSchema } from './audio';
import {
  bytesReply,
  CORRUPT_IMAGE_BYTES,
  clampInt,
  DEFAULT_FAKE_OPTIONS,
  emptyReply,
  type FakeOptions,
  FakeServer,
  hashToInt,
  isRecord,
  jsonReply,
  md5Hex,
  numberField,
  type OutputSize,
  parseMultipart,
  type Reply,
  type RequestContext,
  type RouteMatch,
  renderPng,
  serveBytes,
  sha256Hex,
  stringField,
} from './common';
import { checkVideoInput, renderMp4, truncated, videoSchema } from './video';

export interface ReplicateFakeOptions extends FakeOptions {
  /**
   * Upper bound on how long `Prefer: wait=n` holds a create request. Replicate holds up to 60 s; tests and
   * benchmarks want the "not finished yet" branch within milliseconds.
   */
  maxPreferWaitMs: number;
}

export const DEFAULT_REPLICATE_OPTIONS: ReplicateFakeOptions = {
  ...DEFAULT_FAKE_OPTIONS,
  maxPreferWaitMs: 1000,
};

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';

export interface ReplicatePrediction {
  id: string;
  model: string;
  version: string;
  deployment?: string;
  input: Record<string, unknown>;
  /** The whole create body, so tests can look at `webhook`, `webhook_events_filter`, `stream`. */
  request: Record<string, unknown>;
  /** Epoch milliseconds. */
  createdAt: number;
  queueMs: number;
  stepMs: number;
  steps: number;
  seed: number;
  outputs: string[];
  /** An image-to-video prediction: its output is one MP4 URL (a string, not a list). */
  video?: { seconds: number };
  failure?: string;
  canceledAt?: number;
}

export interface ReplicateFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  md5: string;
  metadata: unknown;
  /** Epoch milliseconds. */
  createdAt: number;
  url: string;
  deleted: boolean;
}

export interface ReplicateFailOptions {
  error: string;
  /** How many new predictions fail; unlimited when omitted. */
  times?: number;
  match?: (prediction: ReplicatePrediction) => boolean;
}

export interface InvalidField {
  field: string;
  description: string;
  type?: string;
}

export const REPLICATE_API_HOST = 'api.replicate.com';
export const REPLICATE_DELIVERY_HOST = 'replicate.delivery';
const API_BASE = `https://${REPLICATE_API_HOST}/v1`;
const FILE_LIFETIME_MS = 24 * 60 * 60 * 1000;
const UNAUTHORIZED_BODY = {
  title: 'Unauthenticated',
  detail: 'You did not pass a valid authentication token',
  status: 401,
};

/** The problem-details body Replicate sends for a 422 (see providers.md 2.2). */
export function replicateValidationError(fields: InvalidField[]) {
  return {
    title: 'Input validation failed',
    detail: fields.map((f) => `- ${f.field}: ${f.description}`).join('\n'),
    status: 422,
    invalid_fields: fields.map((f) => ({
      type: f.type ?? 'invalid',
      field: f.field,
      description: f.description,
    })),
  };
}

interface FailurePlan {
  error: string;
  remaining: number;
  match?: (prediction: ReplicatePrediction) => boolean;
}

interface CreateTarget {
  model?: string;
  deployment?: string;
  requiresVersion: boolean;
}

export class ReplicateFake extends FakeServer<ReplicateFakeOptions> {
  readonly jobs = new Map<string, ReplicatePrediction>();
  readonly files = new Map<string, ReplicateFile>();
  private readonly outputs = new Map<
    string,
    { key: string; size: OutputSize; seconds?: number; audio?: boolean; createdAt: number }
  >();
  private readonly versionModels = new Map<string, string>();
  private failurePlans: FailurePlan[] = [];

  constructor(options?: Partial<ReplicateFakeOptions>) {
    super(DEFAULT_REPLICATE_OPTIONS, options);
  }

  /** Makes the next matching predictions end `failed` with this error once their steps have run. */
  failPredictions(options: ReplicateFailOptions): void {
    this.failurePlans.push({
      error: options.error,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      match: options.match,
    });
  }

  clearFailures(): void {
    this.failurePlans = [];
  }

  /** The status a GET would report now (tests wait on this instead of sleeping). */
  statusOf(id: string): PredictionStatus | undefined {
    const prediction = this.jobs.get(id);
    return prediction ? this.statusAt(prediction, this.now()) : undefined;
  }

  /** Predictions Replicate would charge for: they ran to the end and succeeded. */
  billedJobs(): ReplicatePrediction[] {
    return [...this.jobs.values()].filter((p) => this.statusOf(p.id) === 'succeeded');
  }

  protected resetState(): void {
    this.jobs.clear();
    this.files.clear();
    this.outputs.clear();
    this.versionModels.clear();
    this.failurePlans = [];
  }

  protected isAuthorized(ctx: RequestContext, apiKey: string): boolean {
    return ctx.headers['authorization'] === `Bearer ${apiKey}`;
  }

  protected unauthorized(): Reply {
    return jsonReply(401, UNAUTHORIZED_BODY);
  }

  protected throttled(retryAfterS: number): Reply {
    return jsonReply(
      429,
      { detail: `Request was throttled. Your rate limit resets in ~${retryAfterS}s.` },
      { 'retry-after': String(retryAfterS) },
    );
  }

  protected notFound(ctx: RequestContext): Reply {
    if (isDeliveryHost(ctx.host)) return bytesReply(404, Buffer.from('Not Found'), 'text/plain');
    return jsonReply(404, { title: 'Not found', detail: 'Not found.', status: 404 });
  }

  protected matchRoute(ctx: RequestContext): RouteMatch | undefined {
    if (ctx.host === 'api' || ctx.host === REPLICATE_API_HOST) return this.matchApi(ctx);
    if (isDeliveryHost(ctx.host) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      return { route: 'delivery', auth: false, handle: (c) => this.deliver(c) };
    }
    return undefined;
  }

  private matchApi(ctx: RequestContext): RouteMatch | undefined {
    const { method, path } = ctx;
    const model = /^\/v1\/(models|deployments)\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
    if (method === 'POST' && model) {
      const ref = `${model[2]}/${model[3]}`;
      const target: CreateTarget =
        model[1] === 'models'
          ? { model: ref, requiresVersion: false }
          : { deployment: ref, requiresVersion: false };
      return this.createRoute(target);
    }
    if (method === 'POST' && path === '/v1/predictions') return this.createRoute({ requiresVersion: true });
    if (method === 'GET' && path === '/v1/predictions') {
      return { route: 'predictions.list', auth: true, handle: (c) => this.listPredictions(c) };
    }
    const prediction = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(path);
    if (prediction?.[1]) {
      const id = prediction[1];
      if (method === 'GET' && !prediction[2]) {
        return { route: 'predictions.get', auth: true, handle: () => this.getPrediction(id) };
      }
      if (method === 'POST' && prediction[2]) {
        return { route: 'predictions.cancel', auth: true, handle: () => this.cancelPrediction(id) };
      }
    }
    return this.matchFiles(ctx);
  }

  private createRoute(target: CreateTarget): RouteMatch {
    return { route: 'predictions.create', auth: true, handle: (c) => this.createPrediction(c, target) };
  }

  private matchFiles(ctx: RequestContext): RouteMatch | undefined {
    const { method, path } = ctx;
    if (path === '/v1/files' && method === 'POST') {
      return { route: 'files.create', auth: true, handle: (c) => this.createFile(c) };
    }
    if (path === '/v1/files' && method === 'GET') {
      return { route: 'files.list', auth: true, handle: () => this.listFiles() };
    }
    const file = /^\/v1\/files\/([^/]+)$/.exec(path);
    if (!file?.[1]) return undefined;
    const id = file[1];
    if (method === 'GET') return { route: 'files.get', auth: true, handle: () => this.getFile(id) };
    if (method === 'DELETE') return { route: 'files.delete', auth: true, handle: () => this.deleteFile(id) };
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Predictions
  // ---------------------------------------------------------------------------------------------------------

  private async createPrediction(ctx: RequestContext, target: CreateTarget): Promise<Reply> {
    const invalid = validateCreate(ctx.json, target.requiresVersion);
    if (invalid.length > 0) return jsonReply(422, replicateValidationError(invalid));
    const overLimit = this.admitJob(this.inFlight());
    if (overLimit) return overLimit;
    const body = ctx.json as Record<string, unknown>;
    const schema = target.model ? videoSchema(target.model) : undefined;
    const check = schema ? checkVideoInput(schema, body['input']) : undefined;
    const tts = target.model ? ttsSchema(target.model) : undefined;
    const speech = tts ? checkTtsInput(tts, body['input']) : undefined;
    const refused = check && !check.ok ? check : speech && !speech.ok ? speech : undefined;
    if (refused) {
      return jsonReply(
        422,
        replicateValidationError([{ field: `input.${refused.field}`, description: refused.message }]),
      );
    }
    const prediction = this.newPrediction(body, target, check?.ok ? check.seconds : undefined);
    if (speech?.ok) {
      // A TTS model's output is one audio URL (a string, like a video's).
      const url = `https://${REPLICATE_DELIVERY_HOST}/xezq/${prediction.id}/output.mp3`;
      this.outputs.set(url, {
        key: `tts:${speech.text}`,
        size: this.options.outputSize,
        seconds: speech.seconds,
        audio: true,
        createdAt: prediction.createdAt,
      });
      prediction.outputs = [this.options.outputUrl ?? url];
      prediction.video = { seconds: speech.seconds };
    }
    this.jobs.set(prediction.id, prediction);
    const waitS = parsePreferWait(ctx.headers['prefer']);
    if (waitS === undefined) return jsonReply(201, this.createView(prediction));
    return jsonReply(201, await this.holdUntilDone(prediction, waitS));
  }

  /** Predictions not yet in a terminal state (what the account's concurrency counts). */
  private inFlight(): number {
    const now = this.now();
    let n = 0;
    for (const p of this.jobs.values()) if (!isTerminal(this.statusAt(p, now))) n += 1;
    return n;
  }

  private newPrediction(
    body: Record<string, unknown>,
    target: CreateTarget,
    videoSeconds?: number,
  ): ReplicatePrediction {
    const id = predictionId();
    const input = isRecord(body['input']) ? body['input'] : {};
    const opts = this.options;
    const requestedVersion = stringField(body, 'version');
    const version = requestedVersion ?? sha256Hex(target.model ?? target.deployment ?? id);
    const model = target.model ?? target.deployment ?? this.modelForVersion(version);
    this.versionModels.set(version, model);
    const seed = numberField(input, 'seed') ?? hashToInt(stringField(input, 'prompt') ?? id);
    const count = clampInt(numberField(input, 'num_outputs'), 1, 10, 1);
    const createdAt = this.now();
    const outputs =
      videoSeconds !== undefined
        ? [this.videoOutput(id, seed, videoSeconds, createdAt)]
        : Array.from({ length: count }, (_, i) => {
            const url = `https://${REPLICATE_DELIVERY_HOST}/xezq/${id}/out-${i}.png`;
            this.outputs.set(url, { key: `replicate:${seed}:${i}`, size: opts.outputSize, createdAt });
            return opts.outputUrl ?? url;
          });
    const prediction: ReplicatePrediction = {
      id,
      model,
      version,
      deployment: target.deployment,
      input,
      request: body,
      createdAt: this.now(),
      queueMs: opts.queueMs,
      stepMs: opts.stepMs,
      steps: Math.max(1, opts.steps),
      seed,
      outputs,
      ...(videoSeconds !== undefined ? { video: { seconds: videoSeconds } } : {}),
    };
    prediction.failure = this.takeFailure(prediction);
    return prediction;
  }

  private videoOutput(id: string, seed: number, seconds: number, createdAt: number): string {
    const { width, height } = this.options.videoSize;
    const url = `https://${REPLICATE_DELIVERY_HOST}/xezq/${id}/output.mp4`;
    this.outputs.set(url, { key: `replicate:${seed}`, size: { width, height }, seconds, createdAt });
    return this.options.outputUrl ?? url;
  }

  /** `owner/name:hash` carries its model; a bare hash only maps back if this fake handed it out. */
  private modelForVersion(version: string): string {
    const colon = version.indexOf(':');
    if (colon > 0) return version.slice(0, colon);
    return this.versionModels.get(version) ?? 'unknown/unknown';
  }

  private takeFailure(prediction: ReplicatePrediction): string | undefined {
    const plan = this.failurePlans.find((p) => p.remaining > 0 && (!p.match || p.match(prediction)));
    if (!plan) return undefined;
    plan.remaining -= 1;
    return plan.error;
  }

  /**
   * `Prefer: wait` holds the request until the prediction is terminal or the wait runs out. An unfinished
   * prediction is answered as `starting`, because `run()` treats any other status as finished (2.4).
   */
  private async holdUntilDone(prediction: ReplicatePrediction, waitS: number): Promise<unknown> {
    const deadline = this.now() + Math.min(waitS * 1000, this.options.maxPreferWaitMs);
    const tick = Math.max(5, Math.min(prediction.stepMs, 25));
    for (;;) {
      const now = this.now();
      if (isTerminal(this.statusAt(prediction, now))) return this.view(prediction, now);
      if (now >= deadline) return this.createView(prediction);
      await this.sleep(Math.min(tick, deadline - now));
    }
  }

  private createView(prediction: ReplicatePrediction): Record<string, unknown> {
    const now = this.now();
    const view = this.view(prediction, now);
    return isTerminal(this.statusAt(prediction, now)) ? view : { ...view, status: 'starting', logs: '' };
  }

  /** Newest first, 100 per page with an absolute `next` cursor URL, as the real API pages. */
  private listPredictions(ctx: RequestContext): Reply {
    const all = [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
    const start = Number(new URLSearchParams(ctx.search).get('cursor') ?? '0') || 0;
    const page = all.slice(start, start + 100);
    const now = this.now();
    const next =
      start + 100 < all.length ? `https://api.replicate.com/v1/predictions?cursor=${start + 100}` : null;
    return jsonReply(200, { previous: null, next, results: page.map((p) => this.view(p, now)) });
  }

  private getPrediction(id: string): Reply {
    const prediction = this.jobs.get(id);
    if (!prediction) return jsonReply(404, { title: 'Not found', detail: 'Not found.', status: 404 });
    return jsonReply(200, this.view(prediction, this.now()));
  }

  private cancelPrediction(id: string): Reply {
    const prediction = this.jobs.get(id);
    if (!prediction) return jsonReply(404, { title: 'Not found', detail: 'Not found.', status: 404 });
    const now = this.now();
    if (!isTerminal(this.statusAt(prediction, now))) {
      prediction.canceledAt = now;
      this.canceled.add(id);
    }
    return jsonReply(200, this.view(prediction, now));
  }

  private runEnd(p: ReplicatePrediction): number {
    return p.createdAt + p.queueMs + p.steps * p.stepMs;
  }

  private statusAt(p: ReplicatePrediction, now: number): PredictionStatus {
    if (p.canceledAt !== undefined && p.canceledAt <= now) return 'canceled';
    if (now < p.createdAt + p.queueMs) return 'starting';
    if (now < this.runEnd(p)) return 'processing';
    return p.failure === undefined ? 'succeeded' : 'failed';
  }

  private view(p: ReplicatePrediction, now: number): Record<string, unknown> {
    const status = this.statusAt(p, now);
    const startedAt = p.createdAt + p.queueMs;
    const started = status !== 'starting' && (p.canceledAt === undefined || p.canceledAt > startedAt);
    const completedAt = p.canceledAt ?? this.runEnd(p);
    const terminal = isTerminal(status);
    const predictTime = (Math.min(completedAt, now) - startedAt) / 1000;
    return {
      id: p.id,
      model: p.model,
      version: p.version,
      input: p.input,
      logs: started ? this.logs(p, Math.min(now, completedAt)) : '',
      output: status === 'succeeded' ? (p.video ? p.outputs[0] : p.outputs) : null,
      data_removed: false,
      error: status === 'failed' ? (p.failure ?? null) : null,
      status,
      source: 'api',
      created_at: iso(p.createdAt),
      started_at: started ? iso(startedAt) : null,
      completed_at: terminal ? iso(completedAt) : null,
      ...(terminal && started
        ? { metrics: { predict_time: predictTime, total_time: (completedAt - p.createdAt) / 1000 } }
        : {}),
      ...(p.deployment ? { deployment: p.deployment } : {}),
      urls: {
        get: `${API_BASE}/predictions/${p.id}`,
        cancel: `${API_BASE}/predictions/${p.id}/cancel`,
        web: `https://replicate.com/p/${p.id}`,
      },
    };
  }

  /** Replicate turns tqdm's carriage returns into lines; parseProgressFromLogs reads the last one. */
  private logs(p: ReplicatePrediction, until: number): string {
    const done = Math.max(0, Math.min(p.steps, Math.floor((until - p.createdAt - p.queueMs) / p.stepMs)));
    const lines = [`Using seed: ${p.seed}`];
    for (let i = 0; i <= done; i += 1) lines.push(tqdmLine(i, p.steps, p.stepMs));
    return `${lines.join('\n')}\n`;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Files and delivery
  // ---------------------------------------------------------------------------------------------------------

  private async createFile(ctx: RequestContext): Promise<Reply> {
    const parts = parseMultipart(ctx.body, ctx.headers['content-type']);
    const content = parts?.find((p) => p.name === 'content');
    if (!parts || !content) {
      return jsonReply(
        422,
        replicateValidationError([
          { field: 'content', description: 'content is required', type: 'required' },
        ]),
      );
    }
    await this.sleep(this.options.uploadLatencyMs);
    const id = fileId();
    const file: ReplicateFile = {
      id,
      name: content.filename ?? id,
      contentType: content.contentType ?? 'application/octet-stream',
      size: content.data.length,
      sha256: sha256Hex(content.data),
      md5: md5Hex(content.data),
      metadata: parseMetadata(parts.find((p) => p.name === 'metadata')?.data),
      createdAt: this.now(),
      url: `${API_BASE}/files/${id}`,
      deleted: false,
    };
    this.files.set(id, file);
    this.uploads.set(file.url, {
      bytes: content.data,
      contentType: file.contentType,
      uploadedAt: file.createdAt,
    });
    return jsonReply(201, fileView(file));
  }

  private liveFile(id: string): ReplicateFile | undefined {
    const file = this.files.get(id);
    const upload = file ? this.uploads.get(file.url) : undefined;
    if (!file || file.deleted || !upload || this.isExpired(upload)) return undefined;
    return file;
  }

  private getFile(id: string): Reply {
    const file = this.liveFile(id);
    if (!file) return jsonReply(404, { title: 'Not found', detail: 'Not found.', status: 404 });
    return jsonReply(200, fileView(file));
  }

  private listFiles(): Reply {
    const live = [...this.files.keys()].map((id) => this.liveFile(id)).filter((f) => f !== undefined);
    return jsonReply(200, { next: null, previous: null, results: live.map(fileView) });
  }

  private deleteFile(id: string): Reply {
    const file = this.liveFile(id);
    if (!file) return jsonReply(404, { title: 'Not found', detail: 'Not found.', status: 404 });
    file.deleted = true;
    this.uploads.delete(file.url);
    return emptyReply(204);
  }

  private async deliver(ctx: RequestContext): Promise<Reply> {
    const output = this.outputs.get(`https://${ctx.host}${ctx.path}`);
    if (!output) return this.notFound(ctx);
    const ttl = this.options.expireOutputsAfterMs;
    if (ttl !== undefined && this.now() - output.createdAt > ttl) return this.notFound(ctx);
    if (output.audio) {
      const mp3 = this.options.corruptOutputs
        ? CORRUPT_IMAGE_BYTES
        : await renderMp3(output.key, output.seconds ?? 1);
      return serveBytes(ctx.headers['range'], mp3, 'audio/mpeg');
    }
    if (output.seconds !== undefined) {
      const size = { ...this.options.videoSize, ...output.size };
      const mp4 = this.options.corruptOutputs
        ? CORRUPT_IMAGE_BYTES
        : await renderMp4(output.key, output.seconds, size);
      return serveBytes(
        ctx.headers['range'],
        this.options.truncateVideos ? truncated(mp4) : mp4,
        'video/mp4',
      );
    }
    const bytes = this.options.corruptOutputs
      ? CORRUPT_IMAGE_BYTES
      : await renderPng(output.key, output.size);
    return serveBytes(ctx.headers['range'], bytes, 'image/png');
  }
}

function isDeliveryHost(host: string): boolean {
  return host === REPLICATE_DELIVERY_HOST || host.endsWith(`.${REPLICATE_DELIVERY_HOST}`);
}

function isTerminal(status: PredictionStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled';
}

function validateCreate(body: unknown, requiresVersion: boolean): InvalidField[] {
  if (!isRecord(body)) {
    return [{ field: '(root)', description: 'Invalid type. Expected: object', type: 'invalid_type' }];
  }
  const problems: InvalidField[] = [];
  if (!isRecord(body['input'])) {
    problems.push({ field: 'input', description: 'Invalid type. Expected: object', type: 'invalid_type' });
  }
  if (requiresVersion && typeof body['version'] !== 'string') {
    problems.push({ field: 'version', description: 'version is required', type: 'required' });
  }
  return problems;
}

/** `Prefer: wait` means Replicate's default of 60 s; `wait=n` asks for n seconds. */
function parsePreferWait(header: string | undefined): number | undefined {
  const m = /(?:^|[\s,;])wait(?:=(\d+))?(?=$|[\s,;])/.exec(header ?? '');
  if (!m) return undefined;
  return m[1] ? Number(m[1]) : 60;
}

function parseMetadata(data: Buffer | undefined): unknown {
  if (!data || data.length === 0) return {};
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return {};
  }
}

function fileView(file: ReplicateFile) {
  return {
    id: file.id,
    name: file.name,
    content_type: file.contentType,
    size: file.size,
    etag: file.md5,
    checksums: { sha256: file.sha256, md5: file.md5 },
    metadata: file.metadata,
    created_at: iso(file.createdAt),
    expires_at: iso(file.createdAt + FILE_LIFETIME_MS),
    urls: { get: file.url },
  };
}

const BAR_WIDTH = 10;
const PARTIAL_BLOCKS = ' ▏▎▍▌▋▊▉';

/** One tqdm progress line, e.g. ` 25%|██▌       | 6/24 [00:01<00:03,  4.10it/s]`. */
export function tqdmLine(current: number, total: number, stepMs: number): string {
  const fraction = total === 0 ? 1 : current / total;
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  const filled = fraction * BAR_WIDTH;
  const full = Math.floor(filled);
  const partial = full < BAR_WIDTH ? (PARTIAL_BLOCKS[Math.floor((filled - full) * 8)] ?? ' ') : '';
  const bar = `${'█'.repeat(full)}${partial}`.padEnd(BAR_WIDTH);
  const elapsed = clock((current * stepMs) / 1000);
  const remaining = clock(((total - current) * stepMs) / 1000);
  const rate = (1000 / stepMs).toFixed(2).padStart(6);
  return `${percent}%|${bar}| ${current}/${total} [${elapsed}<${remaining}, ${rate}it/s]`;
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Replicate prediction ids are 26 lower-case base32 characters. */
function predictionId(): string {
  return Array.from(randomBytes(26), (b) => BASE32[b % 32]).join('');
}

function fileId(): string {
  return randomBytes(18).toString('base64url');
}

export async function startReplicateFake(options?: Partial<ReplicateFakeOptions>): Promise<ReplicateFake> {
  return new ReplicateFake(options).listen();
}
