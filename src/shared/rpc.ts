// Typed request/response and events over postMessage, used by the extension host and by the webviews
// (neither vscode nor the DOM is imported here). Every request has an id, a timeout and an error reply,
// so a lost message becomes a visible error instead of a card stuck at "rendering…" forever.

export interface RequestMap {
  [method: string]: { params: unknown; result: unknown };
}
export interface EventMap {
  [type: string]: unknown;
}

export type RequestMessage<R extends RequestMap> = {
  [M in keyof R & string]: { kind: 'request'; id: number; method: M; params: R[M]['params'] };
}[keyof R & string];

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

export type EventMessage<E extends EventMap> = {
  [T in keyof E & string]: { kind: 'event'; type: T; payload: E[T] };
}[keyof E & string];

export type Handlers<R extends RequestMap> = {
  [M in keyof R & string]: (params: R[M]['params']) => Promise<R[M]['result']> | R[M]['result'];
};

export class RpcTimeoutError extends Error {
  override readonly name = 'RpcTimeoutError';
}

/**
 * One end of a channel: it sends requests of `Out` and events of `OutEvents`, and answers requests of
 * `In` and receives events of `InEvents`.
 */
export class RpcEndpoint<
  Out extends RequestMap,
  In extends RequestMap,
  OutEvents extends EventMap,
  InEvents extends EventMap,
> {
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private eventListeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    private readonly post: (message: unknown) => void,
    private readonly handlers: Partial<Handlers<In>>,
    private readonly timeoutMs = 30_000,
  ) {}

  request<M extends keyof Out & string>(method: M, params: Out[M]['params']): Promise<Out[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcTimeoutError(`"${method}" got no answer within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ kind: 'request', id, method, params });
    });
  }

  emit<T extends keyof OutEvents & string>(type: T, payload: OutEvents[T]): void {
    this.post({ kind: 'event', type, payload });
  }

  on<T extends keyof InEvents & string>(type: T, listener: (payload: InEvents[T]) => void): () => void {
    let set = this.eventListeners.get(type);
    if (!set) {
      set = new Set();
      this.eventListeners.set(type, set);
    }
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** Feed every message received from the other side here; unknown shapes are ignored. */
  async handle(message: unknown): Promise<void> {
    if (!message || typeof message !== 'object') return;
    const m = message as { kind?: unknown };
    if (m.kind === 'response') return this.settle(message as ResponseMessage);
    if (m.kind === 'event') {
      const e = message as { type: string; payload: unknown };
      for (const l of this.eventListeners.get(e.type) ?? []) l(e.payload);
      return;
    }
    if (m.kind === 'request') {
      const r = message as { id: number; method: string; params: unknown };
      const handler = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[r.method];
      if (!handler) {
        this.post({ kind: 'response', id: r.id, ok: false, error: `unknown request "${r.method}"` });
        return;
      }
      try {
        const result = await handler(r.params);
        this.post({ kind: 'response', id: r.id, ok: true, result });
      } catch (err) {
        this.post({
          kind: 'response',
          id: r.id,
          ok: false,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  dispose(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('channel closed'));
    }
    this.pending.clear();
    this.eventListeners.clear();
  }

  private settle(r: ResponseMessage): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new Error(r.error));
  }
}
