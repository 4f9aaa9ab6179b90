// Connections to the team's Redis, and the names of everything Dailies keeps there. Commands wait through
// a reconnect (a Redis restart with AOF loses nothing, so work simply pauses), but never longer than
// `commandTimeoutMs`: a claim or an intent that cannot be written in time fails the job before any money
// moves. The URL may carry a password: it is only ever shown redacted.
import { hostname } from 'node:os';
import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import { DailiesError } from '../util/errors';
import { redactUrl } from './settings';

/** Every key Dailies writes starts with this; BullMQ's queues live under BULL_PREFIX. */
export const NS = 'dailies';
export const BULL_PREFIX = 'dailies-q';

export const keys = {
  claim: (key: string) => `${NS}:claim:${key}`,
  claimPattern: `${NS}:claim:*`,
  journal: `${NS}:journal`,
  results: `${NS}:results`,
  uploads: `${NS}:uploads`,
  uploadLock: (provider: string, sha256: string) => `${NS}:upload-lock:${provider}:${sha256}`,
  slots: (provider: string, cls: string) => `${NS}:slots:${provider}:${cls}`,
  slotsChannel: (provider: string, cls: string) => `${NS}:slots-freed:${provider}:${cls}`,
  rate: (provider: string) => `${NS}:rate:${provider}`,
  workers: `${NS}:workers`,
  waiters: (jobId: string) => `${NS}:waiters:${jobId}`,
  cancelChannel: `${NS}:cancel`,
};

export interface RedisConnectOptions {
  /** Shown in CLIENT LIST (and `dailies farm status`): what this connection is for. */
  role: string;
  /** Longest a command may wait, a reconnect included (default 10 s). 0: no bound (BullMQ's own). */
  commandTimeoutMs?: number;
}

export function redisOptions(options: RedisConnectOptions): RedisOptions {
  return {
    connectionName: `dailies:${options.role}:${hostname()}:${process.pid}`,
    // Keep retrying: a restarted Redis (AOF) comes back with everything, and BullMQ requires null here.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
    commandTimeout: options.commandTimeoutMs === 0 ? undefined : (options.commandTimeoutMs ?? 10_000),
    // A dead peer is noticed by TCP keepalive, not after the OS's default of hours.
    keepAlive: 10_000,
  };
}

/** Options for BullMQ's own connections (it takes options, not URLs); no command bound (it blocks). */
export function bullConnection(url: string, role: string): RedisOptions {
  const u = new URL(url);
  return {
    ...redisOptions({ role, commandTimeoutMs: 0 }),
    host: u.hostname,
    port: Number(u.port || 6379),
    username: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    db: Number(u.pathname.slice(1) || 0),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function openRedis(url: string, options: RedisConnectOptions): Redis {
  const redis = new IORedis(url, redisOptions(options));
  // Errors are reported where commands fail; an unhandled 'error' event must not crash the host.
  redis.on('error', () => undefined);
  return redis;
}

/** One connection, checked with a PING: a clear error when Redis cannot be reached in time. */
export async function connectRedis(
  url: string,
  options: RedisConnectOptions & { timeoutMs?: number },
): Promise<Redis> {
  const redis = new IORedis(url, {
    ...redisOptions(options),
    lazyConnect: true,
    // The first connection is a question (is the farm there?), answered once, quickly.
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on('error', (err) => {
    lastError = err;
  });
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    redis.disconnect();
    throw unreachable(url, lastError ?? err);
  } finally {
    clearTimeout(timer);
  }
  // From here on, reconnect through restarts like every other connection.
  redis.options.retryStrategy = redisOptions(options).retryStrategy;
  return redis;
}

export function unreachable(url: string, err: unknown): DailiesError {
  const why = err instanceof Error ? err.message : String(err);
  return new DailiesError(
    'network',
    `The team Redis at ${redactUrl(url)} cannot be reached (${why.replace(url, redactUrl(url))}). Check dailies.team.redisUrl / DAILIES_REDIS_URL.`,
    { retryable: true, cause: err },
  );
}

/** Turns a failed Redis command into a readable error (the URL stays redacted). */
export function redisError(url: string, what: string, err: unknown): DailiesError {
  const why = err instanceof Error ? err.message : String(err);
  return new DailiesError('network', `${what}: the team Redis at ${redactUrl(url)} did not answer (${why})`, {
    retryable: true,
    cause: err,
  });
}

/** Redis's own clock (ms), so machines with skewed clocks agree on expiries. */
export async function redisNow(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}
