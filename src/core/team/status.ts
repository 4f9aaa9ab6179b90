// `dailies farm status`: the farm at a glance — queues (waiting, running, failed), live workers and what
// they serve, claims held (by whom, for how long), account slots in use, the shared indexes, and
// throughput from BullMQ's per-minute metrics. Read-only: it changes nothing in Redis.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CLASSES, PAID_PROVIDERS, queueName } from './farmJobs';
import { BULL_PREFIX, bullConnection, keys, redisNow } from './redis';
import { parseOwner } from './redisClaims';
import type { Team } from './team';

export interface FarmStatus {
  at: number;
  redis: string;
  store: string;
  queues: {
    name: string;
    waiting: number;
    active: number;
    delayed: number;
    failed: number;
    completed: number;
    workers: number;
    /** Jobs completed in the last 1, 5 and 15 minutes. */
    throughput: { m1: number; m5: number; m15: number };
  }[];
  workers: {
    id: string;
    host: string;
    pid: number;
    queues: string[];
    active: number;
    completed: number;
    alive: boolean;
    lastSeenMs: number;
  }[];
  claims: {
    key: string;
    shotId: string;
    variation: number;
    host: string;
    pid: number;
    ageMs: number;
    expiresInMs: number;
  }[];
  slots: { name: string; inUse: number }[];
  indexes: { results: number; uploads: number; journal: number };
}

/** A worker not heard from for this long is gone (it renews every 5 s). */
const WORKER_ALIVE_MS = 20_000;

export async function farmStatus(team: Team, label: { redis: string }): Promise<FarmStatus> {
  const { redis } = team;
  const now = await redisNow(redis);
  const queues: FarmStatus['queues'] = [];
  for (const provider of PAID_PROVIDERS) {
    for (const cls of CLASSES) {
      const name = queueName(provider, cls);
      const queue = new Queue(name, {
        connection: bullConnection(team.settings.redisUrl, 'status'),
        prefix: BULL_PREFIX,
      });
      queue.on('error', () => undefined);
      try {
        const counts = await queue.getJobCounts(
          'wait',
          'prioritized',
          'active',
          'delayed',
          'failed',
          'completed',
        );
        const workers = await queue.getWorkersCount();
        const metrics = await queue.getMetrics('completed', 0, 14);
        const perMinute = metrics.data.map(Number);
        const sum = (n: number) => perMinute.slice(0, n).reduce((a, b) => a + b, 0);
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        if (total === 0 && workers === 0) continue;
        queues.push({
          name,
          waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
          workers,
          throughput: { m1: sum(1), m5: sum(5), m15: sum(15) },
        });
      } finally {
        await queue.close();
      }
    }
  }
  return {
    at: now,
    redis: label.redis,
    store: team.store.label,
    queues,
    workers: await workers(redis, now),
    claims: await claims(redis, now),
    slots: await slots(redis, now),
    indexes: {
      results: await redis.hlen(keys.results),
      uploads: await redis.hlen(keys.uploads),
      journal: await redis.hlen(keys.journal),
    },
  };
}

async function workers(redis: Redis, now: number): Promise<FarmStatus['workers']> {
  const all = await redis.hgetall(keys.workers);
  return Object.values(all)
    .flatMap((text) => {
      try {
        const w = JSON.parse(text) as Omit<FarmStatus['workers'][number], 'alive' | 'lastSeenMs'> & {
          lastSeen: number;
        };
        const lastSeenMs = Math.max(0, now - w.lastSeen);
        return [
          {
            id: w.id,
            host: w.host,
            pid: w.pid,
            queues: w.queues ?? [],
            active: w.active ?? 0,
            completed: w.completed ?? 0,
            alive: lastSeenMs < WORKER_ALIVE_MS,
            lastSeenMs,
          },
        ];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function claims(redis: Redis, now: number): Promise<FarmStatus['claims']> {
  const out: FarmStatus['claims'] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.claimPattern, 'COUNT', 500);
    cursor = next;
    for (const key of found) {
      const [value, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
      const owner = value ? parseOwner(value) : undefined;
      if (!owner) continue;
      out.push({
        key: key.slice(keys.claim('').length),
        shotId: owner.shotId,
        variation: owner.variation,
        host: owner.host,
        pid: owner.pid,
        ageMs: Math.max(0, now - owner.since),
        expiresInMs: Math.max(0, ttl),
      });
    }
  } while (cursor !== '0' && out.length < 10_000);
  return out;
}

async function slots(redis: Redis, now: number): Promise<FarmStatus['slots']> {
  const out: FarmStatus['slots'] = [];
  for (const provider of PAID_PROVIDERS)
    for (const cls of CLASSES) {
      const inUse = await redis.zcount(keys.slots(provider, cls), now, '+inf');
      if (inUse > 0) out.push({ name: `${provider}:${cls}`, inUse });
    }
  return out;
}

export function statusText(s: FarmStatus): string {
  const lines = [`Farm at ${s.redis} · store ${s.store}`];
  lines.push('', 'Queues:');
  if (s.queues.length === 0) lines.push('  (no jobs, no workers)');
  for (const q of s.queues)
    lines.push(
      `  ${q.name.padEnd(16)} waiting ${q.waiting}  running ${q.active}  failed ${q.failed}  done ${q.completed}  workers ${q.workers}  throughput ${q.throughput.m1}/${q.throughput.m5}/${q.throughput.m15} (1/5/15 min)`,
    );
  lines.push('', 'Workers:');
  if (s.workers.length === 0) lines.push('  (none registered)');
  for (const w of s.workers)
    lines.push(
      `  ${w.id.padEnd(28)} ${w.alive ? 'alive' : `silent ${Math.round(w.lastSeenMs / 1000)} s`}  running ${w.active}  done ${w.completed}  ${w.queues.join(', ')}`,
    );
  lines.push('', `Claims: ${s.claims.length}`);
  for (const c of s.claims.slice(0, 20))
    lines.push(
      `  ${c.shotId} v${c.variation}  ${c.host} pid ${c.pid}  held ${Math.round(c.ageMs / 1000)} s, expires in ${Math.round(c.expiresInMs / 1000)} s`,
    );
  if (s.claims.length > 20) lines.push(`  … and ${s.claims.length - 20} more`);
  lines.push('', `Account slots in use: ${s.slots.map((x) => `${x.name} ${x.inUse}`).join(', ') || 'none'}`);
  lines.push(
    `Shared index: ${s.indexes.results} results, ${s.indexes.uploads} uploads, ${s.indexes.journal} unresolved journal entries`,
  );
  return lines.join('\n');
}
