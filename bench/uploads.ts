// 1. Uploads: 50 shots × 3 refs over 12 images (11 distinct contents), 200 ms per upload at the fake,
// with the real @fal-ai/client. Naive per-shot uploading is the baseline.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createFalClient } from '@fal-ai/client';
import { resolveConfig } from '../src/core/config';
import { cloudProviders } from '../src/core/providers/cloud';
import { createProviders } from '../src/core/providers/factory';
import { FAL_HOSTS } from '../src/core/providers/routes';
import { mapLimit } from '../src/core/util/mapLimit';
import { startFalFake } from '../test/fakes/falFake';
import { cloudEngine, FAL_KEY } from '../test/helpers/cloud';
import { redirectingFetch } from '../test/helpers/gatewayFetch';
import { testInternet } from '../test/helpers/internet';
import { uploadProject } from '../test/helpers/uploadProject';
import { type BenchRow, ratio, timed } from './lib/report';

const UPLOAD_MS = 200;
const VALIDATE_MS = 100;

export async function runUploadsBench(): Promise<BenchRow[]> {
  const fal = await startFalFake({ apiKey: FAL_KEY, uploadLatencyMs: UPLOAD_MS });
  const { project, refsPerShot } = await uploadProject('fal-ai/flux-pro/kontext/multi', {
    width: 640,
    height: 480,
  });
  const rows: BenchRow[] = [];
  try {
    // (a) naive: every ref of every shot uploaded for that shot, as tools without a cache do (8 at once).
    const client = createFalClient({
      credentials: FAL_KEY,
      fetch: redirectingFetch({ base: fal.origin, hosts: FAL_HOSTS }),
    });
    const naive = await timed(() =>
      mapLimit(refsPerShot.flat(), 8, async (rel) => {
        const bytes = await fs.readFile(path.join(project.dir, rel));
        return client.storage.upload(new Blob([bytes], { type: 'image/png' }));
      }),
    );
    const naiveUploads = fal.count('upload.put');
    rows.push({ bench: 'uploads', metric: '(a) naive per-shot: uploads', value: naiveUploads, unit: '' });
    rows.push({ bench: 'uploads', metric: '(a) naive per-shot: wall', value: naive.ms, unit: 'ms' });

    const measure = async (
      label: string,
      engine: ReturnType<typeof cloudEngine>,
      faults: () => void = () => undefined,
    ) => {
      fal.clearRecords();
      faults();
      const t = await timed(() => engine.engine.prewarm({ force: true }));
      return {
        label,
        ms: t.ms,
        uploads: fal.count('upload.put'),
        checks: fal.requests.filter((r) => r.route === 'cdn' && 'range' in r.headers).length,
      };
    };
    const session = cloudEngine(project.file, { fal });
    const b = await measure('(b) first run', session);
    const c = await measure('(c) second run', session);
    await session.dispose();
    const reload = cloudEngine(project.file, { fal });
    const slowChecks = () =>
      fal.inject('cdn', { kind: 'delay', ms: VALIDATE_MS }, { match: (r) => 'range' in r.headers });
    const d = await measure('(d) reload within TTL', reload, slowChecks);
    await reload.dispose();
    const file = path.join(project.dir, '.dailies', 'uploads.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as {
      entries: { expiresAt: number; url: string }[];
    };
    // The baseline for (d), measured: the same checks through the same client, one after another.
    fal.clearRecords();
    slowChecks();
    const { providers } = createProviders(
      resolveConfig({ baseUrls: { fal: fal.origin }, ratePerSecond: { fal: 1000 } }),
      { fal: FAL_KEY },
      cloudProviders,
      { fal: testInternet(fal) },
    );
    const falProvider = providers.fal!;
    const sequential = await timed(async () => {
      for (const e of data.entries) await falProvider.validateUpload!(e.url, new AbortController().signal);
    });
    const sequentialChecks = fal.requests.filter((r) => r.route === 'cdn' && 'range' in r.headers).length;
    for (const e of data.entries) e.expiresAt = Date.now() - 1;
    await fs.writeFile(file, JSON.stringify(data));
    const expired = cloudEngine(project.file, { fal });
    const e = await measure('(e) after TTL', expired);
    await expired.dispose();

    for (const m of [b, c, d, e]) {
      rows.push({
        bench: 'uploads',
        metric: `${m.label}: uploads`,
        value: m.uploads,
        unit: '',
        baseline: { label: 'naive', value: naiveUploads },
        ratio: ratio(m.uploads, naiveUploads),
        goal: m === b || m === e ? '= 11 distinct' : '= 0',
        ok: m === b || m === e ? m.uploads === 11 : m.uploads === 0,
      });
      rows.push({
        bench: 'uploads',
        metric: `${m.label}: wall`,
        value: m.ms,
        unit: 'ms',
        baseline: { label: 'naive', value: naive.ms },
        ratio: ratio(m.ms, naive.ms),
      });
    }
    rows.push({
      bench: 'uploads',
      metric: `(d) validation of ${d.checks} refs at ${VALIDATE_MS} ms each`,
      value: d.ms,
      unit: 'ms',
      baseline: {
        label: `the ${sequentialChecks} checks one after another (measured)`,
        value: sequential.ms,
      },
      ratio: ratio(d.ms, sequential.ms),
      goal: '≤ 150 ms',
      ok: d.ms <= 150,
    });
  } finally {
    await fal.close();
    await project.cleanup();
  }
  return rows;
}
