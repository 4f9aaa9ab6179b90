// The team backend is opt-in: a Redis URL (queues, claims, the shared indexes) and a shared store (a
// folder every machine mounts, or an S3-compatible bucket). Both or neither; with neither, Dailies works on
// each machine alone exactly as before. These settings spend money (a farm renders on the studio's keys),
// so they are machine-scoped settings or environment variables, never read from a workspace.
import { DailiesError } from '../util/errors';

export interface TeamSettings {
  /** redis://[:password@]host:port[/db] or rediss:// (TLS). */
  redisUrl: string;
  /** A folder path, or s3://bucket[/prefix][?endpoint=…&region=…&forcePathStyle=1]. */
  store: string;
}

export type FarmFallback = 'none' | 'local';

/** Reads `DAILIES_REDIS_URL` / `DAILIES_STORE`; undefined when neither is set. */
export function teamFromEnv(env: NodeJS.ProcessEnv): TeamSettings | undefined {
  return teamSettings({ redisUrl: env.DAILIES_REDIS_URL, store: env.DAILIES_STORE });
}

/** Checks a pair of values from settings or env: both (a team), neither (undefined), or a clear error. */
export function teamSettings(values: { redisUrl?: string; store?: string }): TeamSettings | undefined {
  const redisUrl = values.redisUrl?.trim() || undefined;
  const store = values.store?.trim() || undefined;
  if (!redisUrl && !store) return undefined;
  if (!redisUrl)
    throw new DailiesError(
      'validation',
      'dailies.team.store is set but dailies.team.redisUrl (DAILIES_REDIS_URL) is not: a team needs both',
    );
  if (!store)
    throw new DailiesError(
      'validation',
      'dailies.team.redisUrl is set but dailies.team.store (DAILIES_STORE) is not: set a folder every machine mounts, or s3://bucket',
    );
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    throw new DailiesError('validation', 'dailies.team.redisUrl is not a URL (expected redis://host:6379)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new DailiesError(
      'validation',
      `dailies.team.redisUrl must start with redis:// or rediss:// (got ${url.protocol}//)`,
    );
  return { redisUrl, store };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    if (url.username && url.password) return url.toString();
    if (url.username) url.username = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
