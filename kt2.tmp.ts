import { spawn } from 'node:child_process';
import { startFalFake } from '/work/main/test/fakes/falFake';
import { createProject } from '/work/main/test/helpers/tempProject';

async function main() {
  const fake = await startFalFake({ apiKey: 'k:s', stepMs: 60, steps: 5, queueMs: 30 });
  const p = await createProject({
    dailies: 1,
    shots: Array.from({ length: 200 }, (_, i) => ({
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
  for (let k = 0; k < 20; k++) {
    const t0 = Date.now();
    const c = spawn(process.execPath, ['/work/main/dist/cli.js', 'render', p.file, '--quiet'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const before = fake.count('submit');
    while (fake.count('submit') === before && Date.now() - t0 < 20000)
      await new Promise((r) => setTimeout(r, 5));
    const waited = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 900));
    c.kill('SIGKILL');
    await new Promise((r) => c.on('exit', r));
    console.log(`kill ${k}: waited ${waited} ms for a submit; submits ${fake.count('submit')}`);
  }
  const t0 = Date.now();
  const c = spawn(process.execPath, ['/work/main/dist/cli.js', 'render', p.file, '--json', '--verbose'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  c.stderr.on('data', (d) => (err += d));
  c.stdout.on('data', (d) => (out += d));
  const timer = setTimeout(() => {
    console.log('FINAL RUN HANGS; stderr tail:\n' + err.split('\n').slice(-25).join('\n'));
    c.kill('SIGKILL');
  }, 90000);
  const code = await new Promise((r) => c.on('exit', r));
  clearTimeout(timer);
  console.log(`final: exit ${code} in ${Date.now() - t0} ms; ${out.slice(0, 300)}`);
  await fake.close();
  await p.cleanup();
}
main();
