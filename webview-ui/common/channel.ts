// The webview end of the RPC channel: requests and events go out through the VS Code API, and the
// host's answers arrive as window 'message' events. The webview answers no requests of its own.
import { type EventMap, type RequestMap, RpcEndpoint } from '../../src/shared/rpc';
import type { VsCodeApi } from './vscodeApi';

export type NoRequests = Record<never, never>;
export type NoEvents = Record<never, never>;
export type WebviewChannel<Out extends RequestMap, In extends EventMap> = RpcEndpoint<
  Out,
  NoRequests,
  NoEvents,
  In
>;

const DEFAULT_TIMEOUT_MS = 30_000;

/** The page may shorten the request timeout (`data-rpc-timeout-ms` on body, see webviewPage). */
export function pageRpcTimeout(): number {
  const v = Number(document.body.dataset['rpcTimeoutMs']);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_TIMEOUT_MS;
}

export function openChannel<Out extends RequestMap, In extends EventMap>(
  api: VsCodeApi,
  timeoutMs = pageRpcTimeout(),
): WebviewChannel<Out, In> {
  const rpc: WebviewChannel<Out, In> = new RpcEndpoint((m) => api.postMessage(m), {}, timeoutMs);
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    rpc.handle(e.data).catch((err: unknown) => console.error('[dailies] message handler failed', err));
  });
  return rpc;
}
