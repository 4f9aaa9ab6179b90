// What both Dailies webviews share on the host side: the panel's title and icon, the page (the same markup and CSP the browser tests
// serve, from src/shared/webviewHtml.ts), a CSPRNG nonce per page, resource roots narrowed to the built
// webview assets plus the folders thumbnails come from, the typed RPC channel, and visibility tracking.
// Every touch of the panel goes through this class, and after the panel is disposed each one is a no-op:
// VS Code throws "Webview is disposed" from most of a disposed panel's getters and setters, so no caller
// may reach the panel itself.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EventMap, Handlers, RequestMap } from '../../shared/rpc';
import { RpcEndpoint } from '../../shared/rpc';
import { webviewPage } from '../../shared/webviewHtml';
import { Disposable } from '../util/disposable';

export interface WebviewHostOptions<In extends RequestMap> {
  panel: vscode.WebviewPanel;
  extensionUri: vscode.Uri;
  view: 'storyboard' | 'metrics' | 'cut' | 'viewer';
  title: string;
  /** Folders (besides the webview bundle) the page may load images from. */
  resourceRoots: vscode.Uri[];
  handlers: Handlers<In>;
}

export class WebviewHost<In extends RequestMap, OutEvents extends EventMap> extends Disposable {
  readonly rpc: RpcEndpoint<RequestMap, In, OutEvents, EventMap>;
  private readonly visibility = this.register(new vscode.EventEmitter<boolean>());
  /** Fires true when the panel becomes visible, false when hidden. */
  readonly onDidChangeVisibility = this.visibility.event;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;
  /** The one flag every access to the panel checks. */
  private closed = false;
  private readonly panel: vscode.WebviewPanel;
  private readonly handlers: Handlers<In>;

  constructor(options: WebviewHostOptions<In>) {
    super();
    const { panel } = options;
    this.panel = panel;
    this.handlers = options.handlers;
    // Set before anything else runs on dispose: listeners reacting to the same event see it closed.
    this.register(
      panel.onDidDispose(() => {
        this.closed = true;
        this.disposedEmitter.fire();
        this.dispose();
      }),
    );
    panel.title = options.title;
    panel.iconPath = {
      light: vscode.Uri.joinPath(options.extensionUri, 'media', 'dailies-light.svg'),
      dark: vscode.Uri.joinPath(options.extensionUri, 'media', 'dailies-dark.svg'),
    };
    const webview = panel.webview;
    const assets = vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview');
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [assets, ...options.resourceRoots],
    };
    this.rpc = new RpcEndpoint<RequestMap, In, OutEvents, EventMap>((m) => {
      if (this.closed) return;
      // A message VS Code cannot deliver is dropped by it; never let that reject loudly.
      webview.postMessage(m).then(undefined, () => undefined);
    }, options.handlers);
    this.register(webview.onDidReceiveMessage((m: unknown) => void this.rpc.handle(m)));
    this.register(
      panel.onDidChangeViewState(() => {
        if (!this.closed) this.visibility.fire(panel.visible);
      }),
    );
    this.register({ dispose: () => this.rpc.dispose() });
    webview.html = webviewPage({
      title: options.title,
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, `${options.view}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, `${options.view}.css`)).toString(),
      view: options.view,
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** False once closed (VS Code would throw). */
  get visible(): boolean {
    return !this.closed && this.panel.visible;
  }

  /** The URI the page loads `uri` from; undefined once closed. */
  asWebviewUri(uri: vscode.Uri): vscode.Uri | undefined {
    return this.closed ? undefined : this.panel.webview.asWebviewUri(uri);
  }

  reveal(): void {
    if (!this.closed) this.panel.reveal();
  }

  /** Closes the tab (as the user would); onDidDispose follows. */
  close(): void {
    if (!this.closed) this.panel.dispose();
  }

  /** Runs a request handler as if the webview had sent the request (the in-host tests' way in). */
  async dispatch(method: string, params: unknown): Promise<unknown> {
    const handler = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[method];
    if (!handler) throw new Error(`unknown request "${method}"`);
    return handler(params);
  }

  emit<T extends keyof OutEvents & string>(type: T, payload: OutEvents[T]): void {
    this.rpc.emit(type, payload);
  }

  override dispose(): void {
    this.closed = true;
    super.dispose();
  }
}
