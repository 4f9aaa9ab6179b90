import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFalFake } from '/work/main/test/fakes/falFake';
import { createProject } from '/work/main/test/helpers/tempProject';

async function main() {
  const fake = await startFalFake({ apiKey: 'k:s', stepMs: 60, steps: 5, queueMs: 30 });
  const p = await createProject({
    dailies: 1,
    shots: Array.from({ length: 300 }, (_, i) => ({
      id: `k${i}`,
      prompt: `kill ${i}`,
      seed: i,
      model: 'fal-ai/flux/schnell',
    })),
  });
  const env = {
    ...process.env,
    DAILIES_FAL_URL: fake.origin,
    FAL_KEY: 'k:s',
    DAILIES_POLL_MS: '50',
    DAILIES_RATE_FAL: '200',
  };
  // Keep the journal: make compaction impossible by reading it mid-run is hard; read the raw file after a kill instead.
  const { spawn } = await import('node:child_process');
  const c = spawn(process.execPath, ['/work/main/dist/cli.js', 'render', p.file, '--quiet'], {
    env,
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 3000));
  c.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const lines = readFileSync(path.join(p.dir, '.dailies', 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const gaps: number[] = [];
  const intentToSend: number[] = [];
  for (const job of fake.jobs.values()) {
    const sub = lines.find((l) => l.t === 'submit' && l.requestId === job.id);
    const intent = lines.find((l) => l.t === 'intent' && l.key === sub?.key);
    if (sub) gaps.push(sub.at - job.submittedAt);
    if (intent) intentToSend.push(job.submittedAt - intent.at);
  }
  gaps.sort((a, b) => a - b);
  intentToSend.sort((a, b) => a - b);
  console.log(
    'fake receipt → journal submit (ms): n',
    gaps.length,
    'p50',
    gaps[gaps.length >> 1],
    'p95',
    gaps[Math.floor(gaps.length * 0.95)],
    'max',
    gaps.at(-1),
  );
  console.log(
    'intent → fake receipt (ms): p50',
    intentToSend[intentToSend.length >> 1],
    'max',
    intentToSend.at(-1),
  );
  await fake.close();
  await p.cleanup();
  void spawnSync;
}
main();
