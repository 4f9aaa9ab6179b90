// Time and bytes for one request, on timers held here: an idle timeout whenever Dailies is waiting on the
// server (for the headers of a request without a body, then between body chunks) and a total deadline
// for the whole exchange, body included; and a byte cap, checked against Content-Length before reading
// and while streaming. A slow consumer does not count as an idle server: the idle timer only runs while
// a read is outstanding.

import { bytesLabel } from '../util/bytes';
import { DailiesError } from '../util/errors';
import type { FetchFn } from './routes';

export interface Bounds {
  totalMs: number;
  idleMs: number;
  maxBytes: number;
  /** Names the exchange in messages, e.g. "queue.fal.run" or "Download of https://…/out.png". */
  what: string;
}

/** Statuses whose answers have no body, whatever their headers say (fetch's null body statuses). */
export const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export async function boundedFetch(
  fetchFn: FetchFn,
  input: string | URL,
  init: RequestInit,
  bounds: Bounds,
): Promise<Response> {
  const controller = new AbortController();
  const caller = init.signal ?? undefined;
  // Whatever the fetch underneath does with its signal, a fired bound ends the wait here too.
  let stopBody: ((err: unknown) => void) | undefined;
  // Rejected by `fail` itself, not by a listener on the signal: undici holds the signal it is given until
  // its Request is collected, and a listener would keep this whole exchange (body reader, closures) alive
  // with it, long after the answer was read.
  let rejectAborted!: (err: Error) => void;
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  aborted.catch(() => undefined);
  const fail = (err: Error) => {
    if (controller.signal.aborted) return;
    controller.abort(err);
    rejectAborted(err);
    stopBody?.(err);
  };
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const total = setTimeout(
    () =>
      fail(
        new DailiesError('timeout', `${bounds.what}: no complete answer within ${seconds(bounds.totalMs)}`, {
          retryable: true,
        }),
      ),
    bounds.totalMs,
  );
  total.unref?.();
  let idle: NodeJS.Timeout | undefined;
  const waiting = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () =>
        fail(
          new DailiesError('timeout', `${bounds.what}: no data for ${seconds(bounds.idleMs)}`, {
            retryable: true,
          }),
        ),
      bounds.idleMs,
    );
    idle.unref?.();
  };
  const received = () => clearTimeout(idle);
  const onCaller = () => fail(new DailiesError('canceled', 'Canceled'));
  if (caller?.aborted) onCaller();
  caller?.addEventListener('abort', onCaller, { once: true });
  const done = () => {
    clearTimeout(total);
    clearTimeout(idle);
    caller?.removeEventListener('abort', onCaller);
  };
  const reason = (err: unknown) => (controller.signal.aborted ? controller.signal.reason : err);

  let res: Response;
  try {
    // While a request body is still going out the server owes nothing yet: only the deadline applies.
    if (init.body == null) waiting();
    res = await Promise.race([fetchFn(input, { ...init, signal: controller.signal }), aborted]);
    received();
  } catch (err) {
    done();
    throw reason(err);
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > bounds.maxBytes) {
    done();
    controller.abort();
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(bounds);
  }
  if (!res.body || NULL_BODY.has(res.status)) {
    done();
    return res;
  }
  const reader = res.body.getReader();
  let bytes = 0;
  const body = new ReadableStream<Uint8Array>({
    start(out) {
      stopBody = (err) => {
        done();
        reader.cancel(err).catch(() => undefined);
        try {
          out.error(err);
        } catch {
          // already closed or errored
        }
      };
    },
    async pull(out) {
      try {
        waiting();
        const chunk = await Promise.race([reader.read(), aborted]);
        received();
        if (chunk.done) {
          done();
          out.close();
          return;
        }
        bytes += chunk.value.byteLength;
        if (bytes > bounds.maxBytes) throw tooLarge(bounds);
        out.enqueue(chunk.value);
      } catch (err) {
        const error = reason(err);
        fail(error instanceof Error ? error : new Error(String(error)));
        stopBody?.(error); // when the controller had already been aborted, fail() did nothing
      }
    },
    cancel(why) {
      done();
      controller.abort();
      return reader.cancel(why).catch(() => undefined);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

function tooLarge(bounds: Bounds): DailiesError {
  return new DailiesError(
    'bad-output',
    `${bounds.what}: the answer is larger than ${bytesLabel(bounds.maxBytes)}; refused`,
  );
}
