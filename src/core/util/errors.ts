// Errors the user can read. Every failure that reaches a shot, the CLI or a notification goes through
// one of these, so the message is one clear line and never a stack trace.

export type ErrorCode =
  | 'project-syntax'
  | 'project-schema'
  | 'project-semantic'
  | 'project-not-dailies'
  | 'project-io'
  | 'path-escape'
  | 'path-invalid'
  | 'ref-missing'
  | 'ref-not-image'
  | 'ref-too-large'
  | 'unknown-model'
  /** The settings or flags contradict the project (e.g. a provider override that does not fit a model). */
  | 'config'
  /** The user said no to the spend the batch would make; nothing was called. */
  | 'declined'
  | 'auth'
  | 'validation'
  | 'rate-limit'
  | 'server'
  | 'network'
  | 'timeout'
  | 'canceled'
  | 'not-found'
  | 'bad-output'
  | 'disk'
  | 'internal';

export class DailiesError extends Error {
  override readonly name = 'DailiesError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      /** Whether trying again later can succeed (429, 5xx, network, timeouts). */
      retryable?: boolean;
      /** Server-advised wait before a retry. */
      retryAfterMs?: number;
      status?: number;
      cause?: unknown;
      /** The job is still at the provider (only following it failed): a retry re-attaches, not resubmits. */
      reattach?: boolean;
    } = {},
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.details.retryable ?? false;
  }
}

export function isAbortError(err: unknown): boolean {
  if (err instanceof DailiesError) return err.code === 'canceled';
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'CanceledError');
}

export function canceled(reason = 'Canceled'): DailiesError {
  return new DailiesError('canceled', reason);
}

/** Turns anything thrown into a DailiesError without losing the useful part of the message. */
export function toDailiesError(err: unknown): DailiesError {
  if (err instanceof DailiesError) return err;
  if (isAbortError(err)) return canceled();
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') return new DailiesError('disk', 'Disk full', { cause: err });
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      return new DailiesError('disk', `Cannot write: ${err.message}`, { cause: err });
    if (err.name === 'TimeoutError')
      return new DailiesError('timeout', 'Timed out', { retryable: true, cause: err });
    return new DailiesError('internal', err.message || String(err), { cause: err });
  }
  return new DailiesError('internal', String(err));
}

export function errorMessage(err: unknown): string {
  return toDailiesError(err).message;
}
