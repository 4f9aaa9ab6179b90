// What both Dailies webviews share on the host side: the panel's title and icon, the page (the same markup and CSP the browser tests
// serve, from src/shared/webviewHtml.ts), a CSPRNG nonce per page, resource roots narrowed to the built
// webview assets plus the folders thumbnails come from, the typed RPC channel, and visibility tracking.
// Context is not retained when hidden: a view that shows again asks for (and gets) a full snapshot.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EventMap, Handlers, RequestMap } from '../../shared/rpc';
import { RpcEndpoint } from '../../shared/rpc';
import { webviewPage } from '../../shared/webviewHtml';
import { Disposable } from '../util/disposable';

export interface WebviewHostOptions<In extends RequestMap> {
  panel: vscode.WebviewPanel;
  extensionUri: vscode.Uri;
  view: 'storyboard' | 'metrics' | 'cut';
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
  private readonly disposed = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposed.event;

  constructor(readonly options: WebviewHostOptions<In>) {
    super();
    const { panel } = options;
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
      // A message to a disposed or hidden panel is dropped by VS Code; never let that reject loudly.
      webview.postMessage(m).then(undefined, () => undefined);
    }, options.handlers);
    this.register(webview.onDidReceiveMessage((m: unknown) => void this.rpc.handle(m)));
    this.register(panel.onDidChangeViewState(() => this.visibility.fire(panel.visible)));
    this.register(
      panel.onDidDispose(() => {
        this.disposed.fire();
        this.dispose();
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

  get visible(): boolean {
    return this.options.panel.visible;
  }

  emit<T extends keyof OutEvents & string>(type: T, payload: OutEvents[T]): void {
    this.rpc.emit(type, payload);
  }
}
