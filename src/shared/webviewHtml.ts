// The page every Dailies webview starts from. It lives in src/shared (not the extension) so the browser
// test harness serves the very same markup and Content-Security-Policy that VS Code gets.

export interface WebviewPageOptions {
  title: string;
  /** `webview.cspSource` in VS Code; the harness origin in tests. */
  cspSource: string;
  /** Fresh per page, from a CSPRNG. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Webview kind, read by the bundle to pick its app. */
  view: 'storyboard' | 'metrics' | 'cut' | 'viewer';
  /** How long the webview waits for an answer to a request before showing an error (default 30 s). */
  rpcTimeoutMs?: number;
}

export function contentSecurityPolicy(cspSource: string, nonce: string, media = false): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    // The Cut view plays the animatic; the storyboard plays video takes' proxies on hover, the take viewer
    // plays them side by side (asWebviewUri).
    ...(media ? [`media-src ${cspSource}`] : []),
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewPage(o: WebviewPageOptions): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const timeout =
    o.rpcTimeoutMs === undefined ? '' : ` data-rpc-timeout-ms="${Math.max(1, Math.round(o.rpcTimeoutMs))}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce, o.view !== 'metrics'))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}" id="vscode-codicon-stylesheet">
<title>${attr(o.title)}</title>
</head>
<body data-view="${attr(o.view)}"${timeout}>
<div id="app" role="application" aria-label="${attr(o.title)}"></div>
<script type="module" nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
