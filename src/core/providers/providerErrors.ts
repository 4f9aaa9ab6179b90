// SDK errors → one clear line per shot. fal's ApiError carries the status and a JSON body; Replicate's
// ApiError is not exported and keeps the body only inside its message. Keys never reach a message.
import { DailiesError, isAbortError } from '../util/errors';
import { guardedInfo } from './httpGuard';

type Named = {
  name?: string;
  message?: string;
  status?: number;
  body?: unknown;
  response?: { status?: number };
};

export function mapProviderError(err: unknown, provider: 'fal.ai' | 'Replicate'): DailiesError {
  if (err instanceof DailiesError) return err;
  if (isAbortError(err)) return new DailiesError('canceled', 'Canceled');
  const e = (err ?? {}) as Named;
  if (e.name === 'TimeoutError')
    return new DailiesError('timeout', `${provider} did not answer in time`, { retryable: true });
  const body: unknown = e.body ?? e.message;
  const guarded = guardedInfo(body);
  const status = guarded?.status ?? e.status ?? e.response?.status;
  if (status === undefined) {
    const msg = e.message ?? String(err);
    return new DailiesError('network', `${provider}: ${msg}`, {
      retryable: /fetch failed|ECONN|socket|network/i.test(msg),
      cause: err,
    });
  }
  const detail = describe(guarded?.detail ?? bodyDetail(body));
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new DailiesError('auth', `${provider} rejected the API key (HTTP ${status})${suffix}`, { status });
  }
  if (status === 402)
    return new DailiesError('auth', `${provider}: out of credit (HTTP 402)${suffix}`, { status });
  if (status === 404)
    return new DailiesError('not-found', `${provider}: not found (HTTP 404)${suffix}`, { status });
  if (status === 422 || status === 400)
    return new DailiesError('validation', `${provider} refused the input${suffix}`, { status });
  if (status === 429) {
    return new DailiesError('rate-limit', `${provider} is rate limiting (HTTP 429)${suffix}`, {
      status,
      retryable: true,
      retryAfterMs: guarded?.retryAfterMs,
    });
  }
  if (status === 408 || status === 425 || status >= 500) {
    return new DailiesError('server', `${provider} server error (HTTP ${status})${suffix}`, {
      status,
      retryable: true,
      retryAfterMs: guarded?.retryAfterMs,
    });
  }
  return new DailiesError('server', `${provider}: HTTP ${status}${suffix}`, { status });
}

function bodyDetail(body: unknown): unknown {
  if (typeof body === 'string') {
    const at = body.indexOf('{');
    if (at < 0) return undefined;
    try {
      const json = JSON.parse(body.slice(at, body.lastIndexOf('}') + 1)) as Record<string, unknown>;
      return json.invalid_fields ?? json.detail ?? json.title;
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object') return (body as Record<string, unknown>).detail;
  return undefined;
}

/** fal `[{loc, msg}]`, Replicate `[{field, description}]`, or a string → "prompt: field required". */
function describe(detail: unknown): string {
  if (typeof detail === 'string') return detail.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        if (!d || typeof d !== 'object') return String(d);
        const r = d as Record<string, unknown>;
        const where = Array.isArray(r.loc) ? r.loc.filter((x) => x !== 'body').join('.') : (r.field ?? '');
        const what = r.msg ?? r.description ?? r.message ?? '';
        return where ? `${String(where)}: ${String(what)}` : String(what);
      })
      .slice(0, 5)
      .join('; ');
  }
  return '';
}
