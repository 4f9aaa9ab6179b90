// The fal and Replicate fakes for the in-host suite, in a process of their own (test/fakes/serve.ts): the
// extension host reaches them over 127.0.0.1 through the same base-URL settings a user has.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO, say } from './env';
import { onCleanup } from './processes';

export interface Fakes {
  fal: string;
  replicate: string;
}

export function startFakes(): Promise<Fakes> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO, 'test', 'fakes', 'serve.ts'),
      '--step-ms',
      '10',
      '--steps',
      '6',
      '--queue-ms',
      '20',
      '--exit-with-stdin',
      // The host cannot reach fal's CDN hosts: the fake serves its media on its own origin.
      '--own-origin-media',
    ],
    { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  onCleanup('provider fakes', () => {
    child.stdin?.end();
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the provider fakes exited (${code}) before listening`)));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      const origins = JSON.parse(line) as Partial<Fakes>;
      if (!origins.fal || !origins.replicate) return reject(new Error(`fakes printed ${line}`));
      say(`provider fakes: fal ${origins.fal}, replicate ${origins.replicate}`);
      resolve({ fal: origins.fal, replicate: origins.replicate });
    });
  });
}
