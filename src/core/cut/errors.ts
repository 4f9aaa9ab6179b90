// Errors of the animatic. Each one that concerns a shot names it, so the user knows which line of
// project.json (or which render) to look at; the previous animatic is always kept when one is thrown.
import { DailiesError, type ErrorCode } from '../util/errors';

export class CutError extends DailiesError {
  constructor(
    code: ErrorCode,
    message: string,
    /** The shot the problem belongs to, when there is one. */
    readonly shotId?: string,
    cause?: unknown,
  ) {
    super(code, shotId ? `${shotId}: ${message}` : message, { cause });
  }
}
