// The team backend for the in-host team suite (suite/13-team.test.ts): a real redis-server on a free
// loopback port, a shared store folder, and one headless `dailies worker` (the built CLI) holding the fake
// providers' keys — the artist's VS Code holds none. Where redis-server cannot be run here, the suite is
// told why and skips (DAILIES_REQUIRE_REDIS=1 makes that a failure, as for the node suites).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisServerPath, startRedis } from '../../helpers/redisServer';
import { OUT_DIR, REPO, say } from './env';
import type { Fakes } from './fakes';
import { killGroup, onCleanup } from './processes';
import { waitFor } from './wait';

/** The worker's keys: any key opens the fakes; they live in its environment only. */
const WORKER_FAL_KEY = 'e2e-worker-fal:secret';
const WORKER_REPLICATE_TOKEN = 'r8_e2eworker0123456789';

/** Environment for the extension host: where the team is, or why there is none. */
export async function startTeam(fakes: Fakes): Promise<Record<string, string>> {
  const skip = (why: string): Record<string, string> => {
    if (process.env['DAILIES_REQUIRE_REDIS'] === '1') throw new Error(`DAILIES_REQUIRE_REDIS=1 but ${why}`);
    say(`team suite will skip: ${why}`);
    return { DAILIES_E2E_TEAM_SKIP: why };
  };
  if (!redisServerPath()) return skip('redis-server is not installed (apt-get install redis-server)');
  let redis: Awaited<ReturnType<typeof startRedis>>;
  try {
    redis = await startRedis();
  } catch (err) {
    return skip(`redis-server is present but cannot be run here: ${(err as Error).message.split('\n')[0]}`);
  }
  onCleanup('team redis-server', () => redis.dispose());
  const store = mkdtempSync(path.join(tmpdir(), 'dailies-e2e-store-'));
  onCleanup('team store', () => rmSync(store, { recursive: true, force: true }));
  const cli = path.join(REPO, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing (npm run package builds it)`);
  const log = createWriteStream(path.join(OUT_DIR, 'farm-worker.log'));
  let output = '';
  const child = spawn(process.execPath, [cli, 'worker', '--name', 'e2e-worker'], {
    cwd: store,
    detached: true, // its own group, ended with it by the cleanup
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DAILIES_REDIS_URL: redis.url,
      DAILIES_STORE: store,
      FAL_KEY: WORKER_FAL_KEY,
      REPLICATE_API_TOKEN: WORKER_REPLICATE_TOKEN,
      DAILIES_FAL_URL: fakes.fal,
      DAILIES_REPLICATE_URL: fakes.replicate,
      DAILIES_POLL_MS: '15',
      // One job at a time: a batch lasts long enough for the editor's surfaces to be seen following it.
      DAILIES_LIMIT_LIGHT: '1',
    },
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    output += d;
    log.write(d);
  });
  onCleanup('farm worker', async () => {
    if (child.pid) await killGroup(child.pid);
    log.end();
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the farm worker exited (${code}): ${output}`))),
  );
  await Promise.race([
    waitFor('the farm worker to be ready', () => (/: ready \(/.test(output) ? true : undefined), {
      timeoutMs: 60_000,
      everyMs: 100,
    }),
    exited,
  ]);
  exited.catch(() => undefined); // from here on its exit is the suite's to notice (nothing gets rendered)
  say(`team: redis ${redis.url}, store ${store}, worker ready`);
  return { DAILIES_E2E_REDIS_URL: redis.url, DAILIES_E2E_TEAM_STORE: store };
}
