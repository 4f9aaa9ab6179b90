// code-server as the real VS Code: installed by the repo's script (cached), Dailies and the runner
// extension installed from their VSIXes like a user would, then started on a free port with its log kept
// for the failure report.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE, CODE_SERVER, REPO, say } from './env';
import { freePort, killGroup, onCleanup, runCommand } from './processes';
import { hostEnv, type World } from './workspace';

export async function installCodeServer(): Promise<void> {
  await runCommand('bash', [path.join(REPO, 'scripts', 'e2e', 'install-code-server.sh')], {
    env: { ...process.env, DAILIES_E2E_CACHE: CACHE },
  });
}

function dirs(world: World, userDataDir = world.userDataDir): string[] {
  return ['--user-data-dir', userDataDir, '--extensions-dir', world.extensionsDir];
}

export interface SessionOptions {
  /** Workspace trust on (the folder opens untrusted, in Restricted Mode); off by default. */
  trust?: boolean;
  /** Another profile (user settings, trusted folders, logs) than the world's. */
  userDataDir?: string;
  /** Added to the extension host's environment. */
  env?: Record<string, string>;
}

export async function installExtensions(world: World, vsixes: string[]): Promise<void> {
  const args = vsixes.flatMap((v) => ['--install-extension', v]);
  await runCommand(CODE_SERVER, [...dirs(world), '--force', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface CodeServer {
  url: string;
  logFile: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export async function startCodeServer(
  world: World,
  logFile: string,
  options: SessionOptions = {},
): Promise<CodeServer> {
  const port = await freePort();
  // Its own config file, so a run never writes ~/.config/code-server/config.yaml.
  const config = path.join(world.root, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const args = [
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...dirs(world, options.userDataDir),
    world.folder,
  ];
  // Detached: a process group of its own, so cleanup ends its extension hosts and pty hosts too.
  const child = spawn(CODE_SERVER, args, {
    env: hostEnv(world, options.env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  onCleanup('code-server', () => killGroup(pid));
  const log: string[] = [];
  const file = createWriteStream(logFile);
  onCleanup('code-server log', () => new Promise<void>((r) => file.end(() => r())));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      file.write(chunk);
      log.push(...chunk.split('\n').filter(Boolean));
      if (log.length > 400) log.splice(0, log.length - 400);
    });
  }
  const logTail = (lines = 40) => log.slice(-lines).join('\n');
  await listening(child, log, 60_000).catch((err: unknown) => {
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- code-server log ---\n${logTail()}`,
    );
  });
  say(`code-server listening on 127.0.0.1:${port} (pid ${pid})`);
  return { url: `http://127.0.0.1:${port}`, logFile, logTail, stop: () => killGroup(pid) };
}

function listening(child: ChildProcess, log: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`code-server not listening after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const poll = setInterval(() => {
      if (log.some((l) => l.includes('HTTP server listening'))) done();
    }, 50);
    const onExit = (code: number | null) => done(new Error(`code-server exited (${code}) before listening`));
    child.once('exit', onExit);
    function done(err?: Error) {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
  });
}
