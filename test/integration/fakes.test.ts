import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiError, createFalClient, type QueueStatus, ValidationError } from '@fal-ai/client';
import Replicate, { type Prediction, parseProgressFromLogs } from 'replicate';
import sharp, { type Metadata } from 'sharp';
import { FAL_HOSTS, type FetchFn, REPLICATE_HOSTS } from '../../src/core/providers/routes';
import { isRecord, type RecordedRequest, sleepFor, stringField } from '../fakes/common';
import { type FalFake, type FalFakeOptions, startFalFake } from '../fakes/falFake';
import { type ReplicateFake, type ReplicateFakeOptions, startReplicateFake } from '../fakes/replicateFake';
import { redirectingFetch } from '../helpers/gatewayFetch';

const FAL_KEY = 'key-id:key-secret';
const REPLICATE_TOKEN = 'r8_test';
const ENDPOINT = 'fal-ai/flux/dev';

// Short steps keep the whole file to a few seconds while still showing every queue phase to a 5 ms poller.
const FAL_TIMING: Partial<FalFakeOptions> = { stepMs: 10, steps: 6, queueMs: 30 };
const REPLICATE_TIMING: Partial<ReplicateFakeOptions> = { stepMs: 10, steps: 8, queueMs: 20 };

function makeFal(origin: string, credentials = FAL_KEY) {
  return createFalClient({ credentials, fetch: redirectingFetch({ base: origin, hosts: FAL_HOSTS }) });
}

function makeReplicate(origin: string, auth = REPLICATE_TOKEN): Replicate {
  return new Replicate({
    auth,
    baseUrl: `${origin}/v1`,
    fetch: redirectingFetch({ base: origin, hosts: REPLICATE_HOSTS }),
    useFileOutput: false,
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleepFor(5);
  }
}

async function decodePng(fetchFn: FetchFn, url: string): Promise<Metadata> {
  const res = await fetchFn(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  return sharp(Buffer.from(await res.arrayBuffer())).metadata();
}

function routed(fake: { requests: RecordedRequest[] }, route: string): RecordedRequest[] {
  return fake.requests.filter((r) => r.route === route);
}

function apiErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'ApiError' || !('response' in error)) return undefined;
  const response = error.response;
  return response instanceof Response ? response.status : undefined;
}

function isTimeoutLike(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function imageUrls(data: unknown): string[] {
  if (!isRecord(data) || !Array.isArray(data['images'])) return [];
  return data['images'].map((image: unknown) => (isRecord(image) ? String(image['url']) : ''));
}

function outputUrls(prediction: Prediction): string[] {
  const output: unknown = prediction.output;
  return Array.isArray(output) ? output.filter((u: unknown): u is string => typeof u === 'string') : [];
}

describe('fal fake driven by @fal-ai/client', () => {
  let fake: FalFake;
  let fal: ReturnType<typeof makeFal>;
  let falFetch: FetchFn;

  before(async () => {
    fake = await startFalFake(FAL_TIMING);
    fal = makeFal(fake.origin);
    falFetch = redirectingFetch({ base: fake.origin, hosts: FAL_HOSTS });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.configure({
      ...FAL_TIMING,
      apiKey: undefined,
      rateLimit: undefined,
      corruptOutputs: false,
      expireUploadsAfterMs: undefined,
      outputSize: { width: 512, height: 288 },
    });
  });

  it('storage.upload stores a Blob that its file_url then serves byte for byte', async () => {
    fake.configure({ apiKey: FAL_KEY });
    const bytes = randomBytes(3000);
    const fileUrl = await fal.storage.upload(new Blob([bytes], { type: 'image/png' }));
    assert.match(fileUrl, /^https:\/\/v3\.fal\.media\/files\/[^/]+\/\d+\.png$/);

    const res = await falFetch(fileUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);

    const probe = await falFetch(fileUrl, { headers: { range: 'bytes=0-0' } });
    assert.equal(probe.status, 206);
    assert.equal(probe.headers.get('content-range'), 'bytes 0-0/3000');
    assert.equal((await probe.arrayBuffer()).byteLength, 1);
    const head = await falFetch(fileUrl, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), '3000');

    const [initiate] = routed(fake, 'upload.initiate');
    assert.equal(initiate?.host, 'rest.fal.ai');
    assert.equal(initiate?.search, '?storage_type=fal-cdn-v3');
    assert.equal(initiate?.headers['authorization'], `Key ${FAL_KEY}`);
    assert.equal(isRecord(initiate?.json) && initiate.json['content_type'], 'image/png');
    const [put] = routed(fake, 'upload.put');
    assert.equal(put?.host, 'upload.fal.media');
    assert.equal(put?.headers['authorization'], undefined, 'the signed PUT carries no credentials');
    assert.equal(put?.bodyBytes, 3000);
    assert.equal(fake.uploads.get(fileUrl)?.contentType, 'image/png');
  });

  it('accepts storage calls on the pre-1.9.3 host rest.alpha.fal.ai', async () => {
    const res = await falFetch('https://rest.alpha.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content_type: 'text/plain', file_name: 'notes.txt' }),
    });
    assert.equal(res.status, 200);
    const body: unknown = await res.json();
    assert.match(stringField(body, 'upload_url') ?? '', /^https:\/\/upload\.fal\.media\/upload\//);
    assert.match(stringField(body, 'file_url') ?? '', /^https:\/\/v3\.fal\.media\/files\/[^/]+\/notes\.txt$/);
    assert.equal(routed(fake, 'upload.initiate')[0]?.host, 'rest.alpha.fal.ai');
  });

  it('uploaded files answer 404 once older than expireUploadsAfterMs', async () => {
    // Long enough to fetch the fresh file on a loaded machine; then wait it out.
    fake.configure({ expireUploadsAfterMs: 500 });
    const fileUrl = await fal.storage.upload(new Blob(['hello'], { type: 'text/plain' }));
    assert.equal((await falFetch(fileUrl)).status, 200);
    await sleepFor(600);
    assert.equal((await falFetch(fileUrl)).status, 404);
  });

  it('submit, status polling with logs and result follow the queue protocol', async () => {
    // Queue and run phases long enough that a 5 ms poller sees both even on a loaded machine.
    fake.configure({ outputSize: { width: 320, height: 180 }, queueMs: 400, stepMs: 60 });
    const submitted = await fal.queue.submit(ENDPOINT, {
      input: { prompt: 'night train', num_images: 2, seed: 7 },
    });
    const requestId = submitted.request_id;
    const updates: QueueStatus[] = [];
    const done = await fal.queue.subscribeToStatus(ENDPOINT, {
      requestId,
      logs: true,
      pollInterval: 5,
      onQueueUpdate: (status) => updates.push(status),
    });
    const phases = updates.map((u) => u.status).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(phases, ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
    const progress = updates.flatMap((u) => ('logs' in u && u.logs ? u.logs.map((l) => l.message) : []));
    assert.ok(progress.length > 0 && progress.every((m) => /^step \d+\/6$/.test(m)), progress.join(','));
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.logs?.length, 6);
    assert.equal(typeof done.metrics?.inference_time, 'number');

    const result = await fal.queue.result(ENDPOINT, { requestId });
    assert.equal(result.requestId, requestId, 'x-fal-request-id header');
    assert.equal(isRecord(result.data) && result.data['seed'], 7);
    const urls = imageUrls(result.data);
    assert.equal(urls.length, 2, 'num_images is honoured');
    for (const url of urls) {
      assert.match(url, /^https:\/\/v3\.fal\.media\/files\/.+\.png$/);
      const meta = await decodePng(falFetch, url);
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', 320, 180]);
    }
    assert.equal(fake.count('cdn'), 2);
  });

  it('status, result and cancel URLs drop the endpoint sub-path', async () => {
    const { request_id: id } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'x' } });
    await fal.queue.subscribeToStatus(ENDPOINT, { requestId: id, pollInterval: 5 });
    await fal.queue.result(ENDPOINT, { requestId: id });
    const [submit] = routed(fake, 'submit');
    assert.deepEqual([submit?.host, submit?.path], ['queue.fal.run', '/fal-ai/flux/dev']);
    assert.equal(submit?.headers['x-fal-queue-priority'], 'normal');
    for (const status of routed(fake, 'status')) {
      assert.deepEqual([status.path, status.search], [`/fal-ai/flux/requests/${id}/status`, '?logs=0']);
    }
    assert.equal(routed(fake, 'result')[0]?.path, `/fal-ai/flux/requests/${id}`);
    // A client that kept the sub-path would be caught here rather than pass silently.
    const wrong = await falFetch(`https://queue.fal.run/fal-ai/flux/dev/requests/${id}/status`);
    assert.equal(wrong.status, 404);
  });

  it('status answers 202 in flight and 200 when complete, with logs only when asked', async () => {
    const submitted = await fal.queue.submit(ENDPOINT, { input: { prompt: 'x' } });
    assert.match(submitted.status_url, /\/fal-ai\/flux\/requests\/[^/]+\/status$/);
    const inFlight = await falFetch(`${submitted.status_url}?logs=0`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(inFlight.status, 202);
    await sleepFor(120);
    const completed = await falFetch(`${submitted.status_url}?logs=0`);
    assert.equal(completed.status, 200);
    const body: unknown = await completed.json();
    assert.equal(isRecord(body) && body['status'], 'COMPLETED');
    assert.equal(isRecord(body) && 'logs' in body, false);
  });

  it('a 422 job failure is COMPLETED, then surfaces as ValidationError with fieldErrors', async () => {
    const detail = [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }];
    fake.failJobs({ status: 422, body: { detail }, times: 1 });
    const seen: string[] = [];
    await assert.rejects(
      fal.subscribe(ENDPOINT, {
        input: { prompt: '' },
        pollInterval: 5,
        onQueueUpdate: (s) => seen.push(s.status),
      }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.status, 422);
        assert.deepEqual(error.fieldErrors, detail);
        assert.equal(error.getFieldErrors('prompt').length, 1);
        return true;
      },
    );
    assert.equal(seen.at(-1), 'COMPLETED');
    assert.ok(seen.every((s) => ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'].includes(s)));
    const next = await fal.subscribe(ENDPOINT, { input: { prompt: 'ok' }, pollInterval: 5 });
    assert.equal(imageUrls(next.data).length, 1, 'times: 1 fails only one job');
  });

  it('a runner error surfaces as ApiError with the documented body and X-Fal-Error-Type', async () => {
    fake.failJobs({ status: 500, body: { detail: 'Runner crashed', error_type: 'runner_server_error' } });
    const { request_id: id, response_url } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'x' } });
    await fal.queue.subscribeToStatus(ENDPOINT, { requestId: id, pollInterval: 5 });
    await assert.rejects(fal.queue.result(ENDPOINT, { requestId: id }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 500);
      assert.equal(error.requestId, id);
      assert.deepEqual(error.body, { detail: 'Runner crashed', error_type: 'runner_server_error' });
      return true;
    });
    assert.equal(fake.count('result'), 1, 'a 500 result is not retried');
    const raw = await falFetch(response_url);
    assert.equal(raw.headers.get('x-fal-error-type'), 'runner_server_error');
  });

  it('a wrong key gets 401 with fal’s body, surfaced as ApiError', async () => {
    fake.configure({ apiKey: FAL_KEY });
    await assert.rejects(
      makeFal(fake.origin, 'bad:key').queue.submit(ENDPOINT, { input: { prompt: 'x' } }),
      (e) => {
        assert.ok(e instanceof ApiError);
        assert.equal(e.status, 401);
        assert.deepEqual(e.body, { detail: 'No user found for Key ID and Secret' });
        return true;
      },
    );
    assert.equal(fake.jobs.size, 0);
    await fal.queue.submit(ENDPOINT, { input: { prompt: 'x' } });
    assert.equal(fake.jobs.size, 1);
  });

  it('cancel reaches the fake and the job then completes as canceled', async () => {
    fake.configure({ queueMs: 500 });
    const { request_id: id } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'x' } });
    await fal.queue.cancel(ENDPOINT, { requestId: id });
    assert.ok(fake.canceled.has(id));
    assert.equal(routed(fake, 'cancel')[0]?.path, `/fal-ai/flux/requests/${id}/cancel`);
    const status = await fal.queue.status(ENDPOINT, { requestId: id, logs: true });
    assert.equal(status.status, 'COMPLETED');
    await assert.rejects(
      fal.queue.result(ENDPOINT, { requestId: id }),
      (e) => e instanceof ApiError && e.status === 400,
    );
  });

  it('a subscribe timeout makes the client cancel the request on the fake', async () => {
    fake.configure({ steps: 100 });
    await assert.rejects(
      fal.subscribe(ENDPOINT, { input: { prompt: 'x' }, pollInterval: 5, timeout: 60 }),
      /Client timed out/,
    );
    await waitFor(() => fake.count('cancel') === 1);
    assert.equal(fake.canceled.size, 1);
  });

  it('a dropped upload PUT fails storage.upload at once (the PUT is never retried)', async () => {
    fake.inject('upload.put', { kind: 'drop' }, { times: 1 });
    await assert.rejects(fal.storage.upload(new Blob(['abc'])), TypeError);
    assert.equal(fake.count('upload.put'), 1);
    assert.equal(fake.uploads.size, 0);
  });

  it('a hung status request ends with the caller’s AbortSignal and is not retried', async () => {
    const { request_id: id } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'x' } });
    fake.inject('status', { kind: 'hang' });
    const started = Date.now();
    await assert.rejects(
      fal.queue.status(ENDPOINT, { requestId: id, abortSignal: AbortSignal.timeout(100) }),
      isTimeoutLike,
    );
    assert.ok(Date.now() - started < 1000);
    assert.equal(fake.count('status'), 1);
  });

  it('the rate limit answers 429 with Retry-After and records the throttled requests', async () => {
    fake.configure({ rateLimit: { maxPerSecond: 2, retryAfterS: 3 } });
    const url = 'https://v3.fal.media/files/none/missing.png';
    const statuses: Response[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await falFetch(url));
    assert.deepEqual(
      statuses.map((r) => r.status),
      [404, 404, 429],
    );
    assert.equal(statuses[2]?.headers.get('retry-after'), '3');
    assert.equal(fake.count('cdn'), 3);
  });

  it('corruptOutputs serves output bytes that sharp rejects', async () => {
    fake.configure({ corruptOutputs: true });
    const { data } = await fal.subscribe(ENDPOINT, { input: { prompt: 'x' }, pollInterval: 5 });
    const [url = ''] = imageUrls(data);
    const res = await falFetch(url);
    assert.equal(res.status, 200);
    await assert.rejects(sharp(Buffer.from(await res.arrayBuffer())).metadata());
  });
});

describe('replicate fake driven by replicate', () => {
  let fake: ReplicateFake;
  let replicate: Replicate;
  let repFetch: FetchFn;

  before(async () => {
    fake = await startReplicateFake(REPLICATE_TIMING);
    replicate = makeReplicate(fake.origin);
    repFetch = redirectingFetch({ base: fake.origin, hosts: REPLICATE_HOSTS });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.configure({
      ...REPLICATE_TIMING,
      apiKey: REPLICATE_TOKEN,
      rateLimit: undefined,
      corruptOutputs: false,
      expireUploadsAfterMs: undefined,
      maxPreferWaitMs: 1000,
      latencyMs: 0,
    });
  });

  it('create on the model endpoint, then polling shows tqdm progress and ends with delivery URLs', async () => {
    const created = await replicate.predictions.create({
      model: 'black-forest-labs/flux-schnell',
      input: { prompt: 'night train', num_outputs: 2 },
    });
    assert.equal(created.status, 'starting');
    assert.equal(created.urls.get, `https://api.replicate.com/v1/predictions/${created.id}`);

    const statuses: string[] = [];
    const progress: number[] = [];
    let current = created;
    while (!['succeeded', 'failed', 'canceled'].includes(current.status)) {
      await sleepFor(5);
      current = await replicate.predictions.get(created.id);
      statuses.push(current.status);
      const parsed = parseProgressFromLogs(current);
      if (parsed) progress.push(parsed.percentage);
    }
    assert.ok(statuses.includes('processing'));
    assert.equal(current.status, 'succeeded');
    assert.ok(progress.length > 1 && progress.every((p, i) => i === 0 || p >= (progress[i - 1] ?? 0)));
    assert.deepEqual(parseProgressFromLogs(current), { percentage: 1, current: 8, total: 8 });
    assert.equal(typeof current.metrics?.predict_time, 'number');

    const urls = outputUrls(current);
    assert.equal(urls.length, 2, 'num_outputs is honoured');
    for (const url of urls) {
      assert.match(url, new RegExp(`^https://replicate\\.delivery/xezq/${created.id}/out-\\d\\.png$`));
      const meta = await decodePng(repFetch, url);
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', 512, 288]);
    }
    const [create] = routed(fake, 'predictions.create');
    assert.deepEqual(
      [create?.host, create?.path],
      ['api', '/v1/models/black-forest-labs/flux-schnell/predictions'],
    );
    assert.equal(create?.headers['authorization'], `Bearer ${REPLICATE_TOKEN}`);
    const delivery = routed(fake, 'delivery');
    assert.equal(delivery.length, 2);
    assert.ok(
      delivery.every((r) => r.host === 'replicate.delivery' && r.headers['authorization'] === undefined),
    );
  });

  it('create answers 201 and a raw 422 carries invalid_fields', async () => {
    const headers = { authorization: `Bearer ${REPLICATE_TOKEN}`, 'content-type': 'application/json' };
    const ok = await fetch(`${fake.origin}/v1/models/a/b/predictions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ input: { prompt: 'x' } }),
    });
    assert.equal(ok.status, 201);
    const bad = await fetch(`${fake.origin}/v1/predictions`, { method: 'POST', headers, body: '{}' });
    assert.equal(bad.status, 422);
    const body: unknown = await bad.json();
    assert.equal(isRecord(body) && body['title'], 'Input validation failed');
    assert.deepEqual(
      isRecord(body) &&
        Array.isArray(body['invalid_fields']) &&
        body['invalid_fields'].map((f: unknown) => stringField(f, 'field')),
      ['input', 'version'],
    );
  });

  it('run() in block mode gets the finished prediction straight from Prefer: wait', async () => {
    const output: unknown = await replicate.run('black-forest-labs/flux-schnell', { input: { prompt: 'x' } });
    assert.ok(Array.isArray(output) && output.length === 1);
    assert.equal(routed(fake, 'predictions.create')[0]?.headers['prefer'], 'wait');
    assert.equal(fake.count('predictions.get'), 0);
  });

  it('Prefer: wait answers starting when the wait runs out, so run() keeps polling', async () => {
    fake.configure({ maxPreferWaitMs: 10, steps: 20 });
    const created = await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' }, wait: 5 });
    assert.equal(created.status, 'starting');
    assert.equal(routed(fake, 'predictions.create')[0]?.headers['prefer'], 'wait=5');
    const output: unknown = await replicate.run('a/b', {
      input: { prompt: 'y' },
      wait: { mode: 'poll', interval: 5 },
    });
    assert.ok(Array.isArray(output));
    assert.ok(fake.count('predictions.get') > 1);
  });

  it('version and deployment endpoints create predictions too', async () => {
    const byVersion = await replicate.predictions.create({ version: 'abc123', input: { prompt: 'x' } });
    const byDeployment = await replicate.deployments.predictions.create('acme', 'flux-prod', {
      input: { prompt: 'x' },
    });
    const [first, second] = routed(fake, 'predictions.create');
    assert.equal(first?.path, '/v1/predictions');
    assert.equal(isRecord(first?.json) && first.json['version'], 'abc123');
    assert.equal(second?.path, '/v1/deployments/acme/flux-prod/predictions');
    assert.equal(fake.jobs.get(byVersion.id)?.version, 'abc123');
    assert.equal(fake.jobs.get(byDeployment.id)?.deployment, 'acme/flux-prod');
  });

  it('failPredictions ends predictions failed, which run() turns into an error', async () => {
    fake.failPredictions({ error: 'CUDA out of memory', times: 1 });
    await assert.rejects(
      replicate.run('a/b', { input: { prompt: 'x' }, wait: { mode: 'poll', interval: 5 } }),
      /Prediction failed: CUDA out of memory/,
    );
    const output: unknown = await replicate.run('a/b', { input: { prompt: 'x' } });
    assert.ok(Array.isArray(output));
  });

  it('predictions.cancel is recorded and the prediction stays canceled', async () => {
    fake.configure({ steps: 50 });
    const created = await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    const canceled = await replicate.predictions.cancel(created.id);
    assert.equal(canceled.status, 'canceled');
    assert.ok(fake.canceled.has(created.id));
    assert.equal(routed(fake, 'predictions.cancel')[0]?.path, `/v1/predictions/${created.id}/cancel`);
    await sleepFor(30);
    const later = await replicate.predictions.get(created.id);
    assert.equal(later.status, 'canceled');
    assert.equal(later.output, null);
  });

  it('files.create uploads multipart; urls.get answers with auth, and 404s after expiry', async () => {
    const bytes = randomBytes(2048);
    const file = await replicate.files.create(new Blob([bytes], { type: 'image/png' }), { shot: 'S01' });
    assert.match(file.urls.get, /^https:\/\/api\.replicate\.com\/v1\/files\/[\w-]+$/);
    assert.equal(file.size, 2048);
    assert.equal(file.content_type, 'image/png');
    assert.equal(file.checksums.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual(file.metadata, { shot: 'S01' });
    assert.equal(Date.parse(file.expires_at ?? '') - Date.parse(file.created_at), 24 * 3600 * 1000);
    assert.deepEqual(fake.uploads.get(file.urls.get)?.bytes, bytes);

    const authed = await repFetch(file.urls.get, { headers: { authorization: `Bearer ${REPLICATE_TOKEN}` } });
    assert.equal(authed.status, 200);
    const body: unknown = await authed.json();
    assert.equal(isRecord(body) && body['id'], file.id);
    assert.equal(routed(fake, 'files.get')[0]?.host, 'api.replicate.com');

    const anonymous = await repFetch(file.urls.get);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await anonymous.json(), {
      title: 'Unauthenticated',
      detail: 'You did not pass a valid authentication token',
      status: 401,
    });

    fake.configure({ expireUploadsAfterMs: 30 });
    await sleepFor(50);
    await assert.rejects(replicate.files.get(file.id), (e) => apiErrorStatus(e) === 404);
  });

  it('files.delete answers 204 and the file is gone', async () => {
    const file = await replicate.files.create(Buffer.from('hello'));
    assert.equal(await replicate.files.delete(file.id), true);
    await assert.rejects(replicate.files.get(file.id), (e) => apiErrorStatus(e) === 404);
  });

  it('a dropped predictions.get is retried by the client and succeeds', async () => {
    const created = await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    fake.inject('predictions.get', { kind: 'drop' }, { times: 1 });
    const got = await replicate.predictions.get(created.id);
    assert.equal(got.id, created.id);
    assert.equal(fake.count('predictions.get'), 2);
  });

  it('a hung create ends with the caller’s AbortSignal', async () => {
    fake.inject('predictions.create', { kind: 'hang' });
    const started = Date.now();
    await assert.rejects(
      replicate.predictions.create({
        model: 'a/b',
        input: { prompt: 'x' },
        signal: AbortSignal.timeout(100),
      }),
      isTimeoutLike,
    );
    assert.ok(Date.now() - started < 1000);
    assert.equal(fake.count('predictions.create'), 1, 'later attempts abort before they are sent');
  });

  it('the rate limit answers 429 with Retry-After and the documented body', async () => {
    fake.configure({ rateLimit: { maxPerSecond: 1, retryAfterS: 1 } });
    await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    await assert.rejects(
      replicate.predictions.create({ model: 'a/b', input: { prompt: 'y' } }),
      (e: unknown) => {
        assert.equal(apiErrorStatus(e), 429);
        assert.ok(e instanceof Error && 'response' in e && e.response instanceof Response);
        assert.equal(e.response.headers.get('retry-after'), '1');
        assert.match(e.message, /Request was throttled\. Your rate limit resets in ~1s\./);
        return true;
      },
    );
    // The client retries a 429 five times back to back (providers.md 2.3), and every attempt is recorded.
    assert.equal(fake.count('predictions.create'), 7);
    assert.equal(fake.jobs.size, 1);
  });

  it('a bad token gets 401 surfaced as ApiError', async () => {
    await assert.rejects(makeReplicate(fake.origin, 'r8_wrong').predictions.get('nope'), (e: unknown) => {
      assert.equal(apiErrorStatus(e), 401);
      assert.match(String(e), /You did not pass a valid authentication token/);
      return true;
    });
  });

  it('corruptOutputs serves delivery bytes that sharp rejects', async () => {
    fake.configure({ corruptOutputs: true });
    const output: unknown = await replicate.run('a/b', { input: { prompt: 'x' } });
    const url = Array.isArray(output) ? String(output[0]) : '';
    const res = await repFetch(url);
    assert.equal(res.status, 200);
    await assert.rejects(sharp(Buffer.from(await res.arrayBuffer())).metadata());
    assert.equal((await repFetch('https://replicate.delivery/xezq/unknown/out-0.png')).status, 404);
  });
});

describe('shared fake plumbing', () => {
  let fake: ReplicateFake;
  let replicate: Replicate;

  before(async () => {
    fake = await startReplicateFake(REPLICATE_TIMING);
    replicate = makeReplicate(fake.origin);
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.configure({ latencyMs: 0 });
  });

  it('a status fault honours match and times, then the route works again', async () => {
    const created = await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    const other = await replicate.predictions.create({ model: 'a/b', input: { prompt: 'y' } });
    fake.inject(
      'predictions.get',
      { kind: 'status', status: 404, body: { detail: 'gone' } },
      { times: 1, match: (r) => r.path.endsWith(created.id) },
    );
    assert.equal((await replicate.predictions.get(other.id)).id, other.id);
    await assert.rejects(replicate.predictions.get(created.id), (e) => apiErrorStatus(e) === 404);
    assert.equal((await replicate.predictions.get(created.id)).id, created.id);
  });

  it('delay faults and latencyMs slow responses down', async () => {
    fake.inject('predictions.create', { kind: 'delay', ms: 80 }, { times: 1 });
    let started = Date.now();
    await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    assert.ok(Date.now() - started >= 75);
    fake.configure({ latencyMs: 60 });
    started = Date.now();
    await replicate.files.list();
    assert.ok(Date.now() - started >= 55);
  });

  it('reset clears records, faults and state', async () => {
    await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    fake.inject('*', { kind: 'status', status: 418 });
    fake.reset();
    assert.deepEqual([fake.requests.length, fake.jobs.size, fake.canceled.size], [0, 0, 0]);
    await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
    assert.equal(fake.count('predictions.create'), 1);
  });

  it('close() ends hung requests', async () => {
    const lonely = await startFalFake();
    lonely.inject('*', { kind: 'hang' });
    const pending = fetch(`${lonely.origin}/anything`).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => lonely.requests.length === 1);
    await lonely.close();
    assert.equal(await pending, 'failed');
  });
});

describe('serve.ts', () => {
  it('prints both origins as one JSON line and serves admin calls until killed', async () => {
    const script = fileURLToPath(new URL('../fakes/serve.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--steps', '3', '--api-key', 'k'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const origins: unknown = JSON.parse(line);
      assert.ok(isRecord(origins));
      const { fal, replicate } = origins;
      assert.match(String(fal), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(String(replicate), /^http:\/\/127\.0\.0\.1:\d+$/);
      const options: unknown = await (await fetch(`${String(fal)}/__fake/options`)).json();
      assert.deepEqual(isRecord(options) && [options['steps'], options['apiKey']], [3, 'k']);
      const client = makeReplicate(String(replicate), 'k');
      await client.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
      const records: unknown = await (await fetch(`${String(replicate)}/__fake/requests`)).json();
      assert.ok(Array.isArray(records) && records.length === 1);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
