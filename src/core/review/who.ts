// Who is reviewing: `git config user.name` as seen from the project folder (so a repository's own
// identity wins), else the OS user. Looked up once per folder; never fails (undefined when unknown).
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

const known = new Map<string, Promise<string | undefined>>();

export function reviewerName(root: string): Promise<string | undefined> {
  let found = known.get(root);
  if (!found) {
    found = gitUserName(root).then((name) => name ?? osUser());
    known.set(root, found);
  }
  return found;
}

function gitUserName(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile(
        'git',
        ['config', '--get', 'user.name'],
        { cwd, timeout: 3000, windowsHide: true, maxBuffer: 64 * 1024 },
        (err, stdout) => {
          const name = err ? '' : String(stdout).trim();
          resolve(name ? name.slice(0, 200) : undefined);
        },
      );
    } catch {
      resolve(undefined);
    }
  });
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
