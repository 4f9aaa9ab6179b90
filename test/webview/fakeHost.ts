// The extension host's side of the protocol, played from the test: it records every message the page
// posts, answers requests from handlers (or never, to exercise timeouts), and pushes events.
import type { Page } from 'playwright-core';

export interface PostedRequest {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

/** Return NEVER from a handler to leave the request unanswered. */
export const NEVER = Symbol('never');

/** The bits of the page's window the node-side code touches (the root tsconfig has no DOM types). */
interface PageWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

export type HostHandler = (params: unknown) => unknown | typeof NEVER | Promise<unknown>;

export class FakeHost {
  readonly posted: unknown[] = [];
  private readonly staged = new Set<string>();
  private waiters: { match: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];

  private constructor(
    private readonly page: Page,
    private readonly handlers: Record<string, HostHandler>,
  ) {}

  /** Must run before the page navigates: the binding is installed for every later document. */
  static async attach(page: Page, handlers: Record<string, HostHandler>): Promise<FakeHost> {
    const host = new FakeHost(page, handlers);
    await page.exposeBinding('__toHost', (_source, message: unknown) => {
      void host.receive(message);
    });
    return host;
  }

  /**
   * Answers `method` inside the page from a result staged before navigation, skipping the round trip
   * through this process: the bench uses it so that first-paint figures measure the webview rather than
   * Playwright's pipe (which needs ~250 ms to carry a 10,000-shot snapshot). Staged as JSON text, the
   * reply is parsed in the page when asked for (and then structured-cloned by postMessage), as a message
   * from VS Code's extension host is.
   */
  async stage(method: string, result: unknown, { asJson = false }: { asJson?: boolean } = {}): Promise<void> {
    this.staged.add(method);
    const value = asJson
      ? JSON.stringify(typeof result === 'string' ? result : JSON.stringify(result))
      : JSON.stringify(result);
    const table = asJson ? '__stagedJson' : '__staged';
    await this.page.addInitScript({
      content: `globalThis.${table} = Object.assign(globalThis.${table} ?? {}, { ${JSON.stringify(method)}: ${value} });`,
    });
  }

  /**
   * Answers request `method` inside the page with the event `type` (staged as JSON text, parsed in the
   * page when asked for), then an empty result: how the host answers the storyboard's `more`.
   */
  async stageEvent(method: string, type: string, payloadJson: string): Promise<void> {
    this.staged.add(method);
    const message = `{"kind":"event","type":${JSON.stringify(type)},"payload":${payloadJson}}`;
    await this.page.addInitScript({
      content: `globalThis.__stagedEvents = Object.assign(globalThis.__stagedEvents ?? {}, { ${JSON.stringify(method)}: ${JSON.stringify(message)} });`,
    });
  }

  setHandler(method: string, handler: HostHandler): void {
    this.handlers[method] = handler;
  }

  requests(method?: string): PostedRequest[] {
    return this.posted.filter(
      (m): m is PostedRequest => isRequest(m) && (method === undefined || m.method === method),
    );
  }

  /** Resolves with the first posted request (already seen or future) that matches. */
  waitForRequest(
    method: string,
    timeoutMs = 5000,
    where: (r: PostedRequest) => boolean = () => true,
  ): Promise<PostedRequest> {
    const match = (m: unknown): m is PostedRequest => isRequest(m) && m.method === method && where(m);
    const seen = this.posted.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${method}" request within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as PostedRequest);
        },
      });
    });
  }

  /** Delivers a host → webview event, as `webview.postMessage` would. */
  emit(type: string, payload: unknown): Promise<void> {
    return this.deliver({ kind: 'event', type, payload });
  }

  /**
   * Posts into the page as a JSON string parsed there: Playwright's own serialisation of a 10,000-shot
   * snapshot takes seconds, JSON takes milliseconds (and VS Code also ships messages as JSON).
   */
  private async deliver(message: unknown): Promise<void> {
    await this.page.evaluate(
      (json) => (globalThis as unknown as PageWindow).postMessage(JSON.parse(json), '*'),
      JSON.stringify(message),
    );
  }

  private async receive(message: unknown): Promise<void> {
    this.posted.push(message);
    for (const w of [...this.waiters]) {
      if (!w.match(message)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(message);
    }
    if (!isRequest(message) || this.staged.has(message.method)) return;
    const reply = await this.answer(message);
    // The page may have navigated away meanwhile; a lost reply is what the timeout tests are about anyway.
    if (reply) await this.deliver(reply).catch(() => undefined);
  }

  private async answer(request: PostedRequest): Promise<unknown> {
    const handler = this.handlers[request.method];
    if (!handler)
      return { kind: 'response', id: request.id, ok: false, error: `no handler for ${request.method}` };
    try {
      const result = await handler(request.params);
      if (result === NEVER) return undefined;
      return { kind: 'response', id: request.id, ok: true, result };
    } catch (err) {
      return {
        kind: 'response',
        id: request.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  }
}

function isRequest(m: unknown): m is PostedRequest {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'request';
}
