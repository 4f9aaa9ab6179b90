// Who is reviewing: git's `user.name` as seen from the project folder (the repository's own config wins
// over the global one), else the OS user. Read from git's config files, never by running git: Dailies
// starts no child process but ffmpeg (a folder's git config can name programs to run, and the extension
// host must not run anything an opened folder chose). Include directives and the system config are not
// followed. Looked up once per folder; never fails (undefined when unknown).
import { promises as fs } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import * as path from 'node:path';

/** A config file larger than this is not git's (nothing is read from it). */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Folders walked up from the project to find its repository. */
const MAX_DEPTH = 64;

const known = new Map<string, Promise<string | undefined>>();

export function reviewerName(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  let found = known.get(root);
  if (!found) {
    found = gitUserName(root, env)
      .catch(() => undefined)
      .then((name) => name ?? osUser());
    known.set(root, found);
  }
  return found;
}

/** `user.name` from the global config files, then the repository's (the last one set wins, as in git). */
export async function gitUserName(root: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const home = env['HOME'] || homedir();
  const global = env['GIT_CONFIG_GLOBAL']
    ? [env['GIT_CONFIG_GLOBAL']]
    : [
        path.join(env['XDG_CONFIG_HOME'] || path.join(home, '.config'), 'git', 'config'),
        path.join(home, '.gitconfig'),
      ];
  let name: string | undefined;
  for (const file of [...global, ...(await repositoryConfigs(root))]) {
    const text = await readSmall(file);
    const value = text === undefined ? undefined : userNameIn(text);
    if (value !== undefined) name = value;
  }
  const trimmed = name?.trim();
  return trimmed ? trimmed.slice(0, 200) : undefined;
}

/** The config of the repository holding `root` (a worktree's shared config too), nearest `.git` first. */
async function repositoryConfigs(root: string): Promise<string[]> {
  let dir = path.resolve(root);
  for (let i = 0; i < MAX_DEPTH; i++) {
    const dotGit = path.join(dir, '.git');
    const st = await fs.stat(dotGit).catch(() => undefined);
    if (st?.isDirectory()) return [path.join(dotGit, 'config')];
    if (st?.isFile()) {
      const gitdir = /^gitdir:\s*(.+?)\s*$/m.exec((await readSmall(dotGit)) ?? '')?.[1];
      if (!gitdir) return [];
      const gitDir = path.resolve(dir, gitdir);
      const common = (await readSmall(path.join(gitDir, 'commondir')))?.trim();
      return [path.join(common ? path.resolve(gitDir, common) : gitDir, 'config')];
    }
    const up = path.dirname(dir);
    if (up === dir) return [];
    dir = up;
  }
  return [];
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > MAX_CONFIG_BYTES) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The last `name` in a `[user]` section of a git config text (git's syntax: quotes, escapes, comments). */
export function userNameIn(text: string): string | undefined {
  let inUser = false;
  let name: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)(\s+"(?:[^"\\]|\\.)*")?\s*\](.*)$/.exec(line);
    if (header) {
      inUser = header[1]!.toLowerCase() === 'user' && header[2] === undefined;
      line = header[3]!.trim();
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (inUser && entry && entry[1]!.toLowerCase() === 'name' && entry[2] !== undefined)
      name = configValue(entry[2]);
  }
  return name;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', b: '\b' };

function configValue(raw: string): string {
  let out = '';
  let quoted = false;
  let pending = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[++i]!;
      out += pending + (ESCAPES[next] ?? next);
      pending = '';
    } else if (ch === '"') {
      out += pending;
      pending = '';
      quoted = !quoted;
    } else if (!quoted && (ch === '#' || ch === ';')) break;
    else if (!quoted && (ch === ' ' || ch === '\t')) pending += ch;
    else {
      out += pending + ch;
      pending = '';
    }
  }
  return out;
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
