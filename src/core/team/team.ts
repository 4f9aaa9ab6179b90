// One process's handle on the team backend: the Redis connection, the shared store, and the shared claims,
// journal and result index built on them. Opening checks both ends first, so a wrong URL, a Redis that is
// down or a store that is read-only or full is one clear message before anything is queued or paid.
import type { Redis } from 'ioredis';
import type { EngineTeam } from '../render/engine';
import { connectRedis } from './redis';
import { RedisClaims } from './redisClaims';
import { RedisJournal } from './redisJournal';
import type { TeamSettings } from './settings';
import { SharedResults, TeamResults } from './sharedResults';
import { FolderStore, type SharedStore } from './sharedStore';

export interface TeamOptions {
  role: string;
  log?: (message: string) => void;
  /** How long a claim outlives its last renewal (default 30 s). */
  claimTtlMs?: number;
  /** Told of every journal write (workers). */
  onJournalWrite?: (key: string, what: 'intent' | 'submit' | 'resolved') => void;
  connectTimeoutMs?: number;
}

export interface Team {
  readonly settings: TeamSettings;
  readonly redis: Redis;
  readonly store: SharedStore;
  readonly claims: RedisClaims;
  readonly journal: RedisJournal;
  readonly results: SharedResults;
  close(): Promise<void>;
}

export async function openTeam(settings: TeamSettings, options: TeamOptions): Promise<Team> {
  const store = openStore(settings.store);
  const redis = await connectRedis(settings.redisUrl, {
    role: options.role,
    timeoutMs: options.connectTimeoutMs,
  });
  try {
    await store.check();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const log = options.log ?? (() => undefined);
  const claims = new RedisClaims(redis, { ttlMs: options.claimTtlMs, log });
  const journal = new RedisJournal(redis, log, options.onJournalWrite);
  return {
    settings,
    redis,
    store,
    claims,
    journal,
    results: new SharedResults(redis, store),
    async close() {
      claims.stop();
      await journal.flushed();
      redis.disconnect();
      (store as { close?: () => void }).close?.();
    },
  };
}

/** A folder path, or s3://… (the AWS SDK is only loaded for S3). */
export function openStore(spec: string): SharedStore {
  if (/^s3:\/\//i.test(spec)) {
    const { S3Store, parseS3Url } = require('./s3Store') as typeof import('./s3Store');
    return new S3Store(parseS3Url(spec));
  }
  return new FolderStore(spec.replace(/^file:\/\//, ''));
}

/** The engine's view of the team for an artist's machine: claims, journal and results through Redis. */
export function engineTeam(
  team: Team,
  log: (message: string) => void,
  farm?: EngineTeam['farm'],
): EngineTeam {
  return {
    claims: team.claims,
    journal: team.journal,
    results: (local, store) => new TeamResults(local, store, team.results, log),
    farm,
  };
}
