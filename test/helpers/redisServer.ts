// A real redis-server per test file, on a free loopback port, with an append-only file in a temp folder (so
// a restart keeps everything, as a studio's Redis with AOF does). Where redis-server is not installed the
// team suites skip with a reason; with DAILIES_REQUIRE_REDIS=1 (CI) they fail instead.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A program that is there and can be run (a file that exists but cannot be executed is not redis). */
function runnable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function redisServerPath(): string | undefined {
  const fromEnv = process.env.DAILIES_REDIS_SERVER;
  if (fromEnv && runnable(fromEnv)) return fromEnv;
  for (const candidate of [
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
    '/opt/homebrew/bin/redis-server',
  ])
    if (runnable(candidate)) return candidate;
  try {
    const found = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
    return found && runnable(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

/** For `describe(…, { skip: redisSkip() })`: a reason to skip, or false. Throws when Redis is required. */
export function redisSkip(): string | false {
  if (redisServerPath()) return false;
  const reason = 'redis-server is not installed (apt-get install redis-server); team backend suites skipped';
  if (process.env.DAILIES_REQUIRE_REDIS === '1')
    throw new Error(`DAILIES_REQUIRE_REDIS=1 but ${reason.split(';')[0]}`);
  return reason;
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** SIGTERM (Redis writes its AOF and exits) or SIGKILL, then a fresh process on the same port and data. */
  restart(how?: 'SIGTERM' | 'SIGKILL', downMs?: number): Promise<void>;
  stop(how?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  /** Empties it (between tests, so one test's leftovers never reach the next). */
  flush(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server not found');
  const dir = mkdtempSync(path.join(tmpdir(), 'dailies-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--dir',
        dir,
        '--protected-mode',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    while (!(await ping(port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start in 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (how: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(how);
    await exited;
  };
  await start();
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    flush: () => command(port, 'FLUSHALL'),
    async restart(how = 'SIGTERM', downMs = 0) {
      await stop(how);
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async dispose() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One raw command, so the harness needs no client of its own. */
function command(port: number, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`${line}: no answer`));
    });
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
  });
}

/** A raw PING, so the harness needs no client of its own. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
