import { sleep } from '../util/abort';
import { type DailiesError, isAbortError, toDailiesError } from '../util/errors';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/** Full-jitter exponential backoff, unless the server said how long to wait (then exactly that, capped). */
export function backoffDelay(attempt: number, policy: RetryPolicy, err?: DailiesError): number {
  const advised = err?.details.retryAfterMs;
  if (advised !== undefined && advised >= 0) return Math.min(advised, policy.maxMs);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const random = policy.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryHooks {
  signal?: AbortSignal;
  /** Told before each wait, so the UI can show "retry 2/4 in 3 s" instead of a frozen card. */
  onRetry?: (info: { attempt: number; delayMs: number; error: DailiesError }) => void;
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (raw) {
      if (isAbortError(raw) || hooks.signal?.aborted) throw toDailiesError(raw);
      const err = toDailiesError(raw);
      if (!err.retryable || attempt + 1 >= policy.attempts) throw err;
      const delayMs = backoffDelay(attempt, policy, err);
      hooks.onRetry?.({ attempt: attempt + 1, delayMs, error: err });
      await sleep(delayMs, hooks.signal);
    }
  }
}
