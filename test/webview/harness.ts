// The browser test harness: a tiny static server that serves the built webview bundles, generated WebP
// thumbnails and the storyboard/metrics pages exactly as the extension builds them (webviewPage(), same
// CSP, cspSource = this origin), plus one nonce-bearing script standing in for VS Code's webview API.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import sharp from 'sharp';
import { webviewPage } from '../../src/shared/webviewHtml';
import { chromiumLaunchOptions } from '../helpers/chromium';
import { DARK_MODERN } from './theme';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(REPO, 'dist/webview');
export const THUMB_COUNT = 20;

/**
 * Serves the pages, the bundles, and a project folder under /p/: `renders/S00042/<any>.webp|png` is one
 * of THUMB_COUNT frames chosen by the shot number (a distinct URL per shot, as in a project), and any
 * file named `missing.*` is a 404 (a thumbnail that went missing).
 */
export interface Harness {
  origin: string;
  /** Thumbnail URL of shot i (0-based) in the served project: one of THUMB_COUNT frames, a URL per shot. */
  thumbUrl(i: number): string;
  /** The "original" image of the same shot (the harness serves the same bytes). */
  imageUrl(i: number): string;
  /** Serves bytes (a video) at the returned URL, with byte ranges as a media player needs for seeking. */
  serveMedia(name: string, bytes: Buffer): string;
  close(): Promise<void>;
}

export interface PageOptions {
  /** Request timeout the page is built with (the `rpcTimeoutMs` page option). */
  rpcTimeoutMs?: number;
}

/** Builds dist/webview when it is missing or older than any webview or shared source file. */
export function ensureWebviewsBuilt(): void {
  const bundle = path.join(DIST, 'storyboard.js');
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const newest = Math.max(
    ...[path.join(REPO, 'webview-ui'), path.join(REPO, 'src/shared')].flatMap((dir) => mtimes(dir)),
  );
  if (
    built >= newest &&
    existsSync(path.join(DIST, 'metrics.js')) &&
    existsSync(path.join(DIST, 'cut.js')) &&
    existsSync(path.join(DIST, 'viewer.js'))
  )
    return;
  execFileSync(process.execPath, ['esbuild.mjs', '--only=webviews'], { cwd: REPO, stdio: 'pipe' });
}

function mtimes(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => statSync(path.join(e.parentPath, e.name)).mtimeMs);
}

/** A system Chromium, or the one inside the @sparticuz/chromium package (see test/helpers/chromium.ts). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch(await chromiumLaunchOptions());
}

/** Files a test serves under /p/ besides the generated frames (e.g. full-size takes for the viewer). */
export type ExtraFiles = Map<string, { body: Buffer; type: string; gate?: () => Promise<void> }>;

export async function startHarness(extra: ExtraFiles = new Map()): Promise<Harness> {
  const thumbs = await makeThumbnails(THUMB_COUNT);
  const media = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const pathname = new URL(req.url ?? '/', origin).pathname;
    const file = extra.get(pathname);
    if (file) {
      void (file.gate?.() ?? Promise.resolve()).then(() => send(res, file.body, file.type));
      return;
    }
    // Media by name, and under the project folder by file name (a video take's proxy in renders/).
    const name =
      /^\/media\/([\w.-]+)$/.exec(pathname)?.[1] ??
      /^\/p\/renders\/[\w.-]+\/([\w.-]+\.mp4)$/.exec(pathname)?.[1];
    const bytes = name ? media.get(name) : undefined;
    if (bytes) return sendRange(req, res, bytes);
    serve(req, res, origin, thumbs).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    thumbUrl: (i) => `${origin}/p/renders/S${String(i + 1).padStart(5, '0')}/thumb.webp`,
    imageUrl: (i) => `${origin}/p/renders/S${String(i + 1).padStart(5, '0')}/image.webp`,
    serveMedia: (name, bytes) => {
      media.set(name, bytes);
      return `${origin}/media/${name}`;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.webp': 'image/webp',
};

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  thumbs: Buffer[],
): Promise<void> {
  const url = new URL(req.url ?? '/', origin);
  const view = /^\/(storyboard|metrics|cut|viewer)\.html$/.exec(url.pathname)?.[1];
  if (view === 'storyboard' || view === 'metrics' || view === 'cut' || view === 'viewer') {
    const timeout = Number(url.searchParams.get('timeout'));
    const html = harnessPage(
      view,
      origin,
      Number.isFinite(timeout) && timeout > 0 ? { rpcTimeoutMs: timeout } : {},
    );
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  const frame = /^\/p\/renders\/S(\d+)\/([^/]+)$/.exec(url.pathname);
  if (frame && !frame[2]!.startsWith('missing.')) {
    const bytes = thumbs[(Number(frame[1]) - 1) % THUMB_COUNT];
    if (bytes) return send(res, bytes, TYPES['.webp']!);
  }
  const file = /^\/dist\/webview\/([\w.-]+)$/.exec(url.pathname)?.[1];
  if (file && existsSync(path.join(DIST, file))) {
    return send(
      res,
      readFileSync(path.join(DIST, file)),
      TYPES[path.extname(file)] ?? 'application/octet-stream',
    );
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}

/** A video with `Accept-Ranges`: Chromium seeks in media only when the server answers byte ranges. */
function sendRange(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
  if (!range) {
    res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
    return;
  }
  const start = range[1] ? Number(range[1]) : Math.max(0, body.length - Number(range[2]));
  const end = range[1] && range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
  if (start > end || start >= body.length) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    return;
  }
  res.writeHead(206, {
    ...headers,
    'content-range': `bytes ${start}-${end}/${body.length}`,
    'content-length': end - start + 1,
  });
  res.end(body.subarray(start, end + 1));
}

function send(res: ServerResponse, body: Buffer, type: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(body);
}

/** The page the extension would serve, with the VS Code API stand-in and one script the CSP must block. */
export function harnessPage(
  view: 'storyboard' | 'metrics' | 'cut' | 'viewer',
  origin: string,
  options: PageOptions = {},
): string {
  const nonce = randomBytes(16).toString('base64');
  const page = webviewPage({
    title: { storyboard: 'Storyboard', metrics: 'Metrics', cut: 'Cut', viewer: 'Takes' }[view],
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/dist/webview/${view}.js`,
    styleUri: `${origin}/dist/webview/${view}.css`,
    view,
    ...options,
  });
  const shim = `<script nonce="${nonce}">${vscodeApiShim()}</script>\n<script>window.__inlineRan = true;</script>\n`;
  const marker = '<script type="module"';
  const at = page.indexOf(marker);
  if (at < 0) throw new Error('webviewPage() no longer emits a module script');
  return page.slice(0, at) + shim + page.slice(at);
}

/**
 * Runs in the page before the bundle. postMessage goes to the test through the `__toHost` binding (the
 * test answers with window messages, as VS Code delivers host messages); state lives in sessionStorage
 * so it survives a reload like VS Code's webview state does.
 */
function vscodeApiShim(): string {
  const theme = JSON.stringify(DARK_MODERN);
  return `(() => {
  const KEY = 'dailies-harness-state';
  const posted = [];
  const violations = [];
  window.__posted = posted;
  window.__violations = violations;
  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber });
  });
  const theme = ${theme};
  for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
  document.body.classList.add('vscode-dark');
  document.body.dataset.vscodeThemeKind = 'vscode-dark';
  const stored = sessionStorage.getItem(KEY);
  window.__state = stored ? JSON.parse(stored) : undefined;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        const copy = structuredClone(message);
        posted.push(copy);
        const staged = window.__staged;
        const stagedJson = window.__stagedJson;
        const stagedEvents = window.__stagedEvents;
        if (copy && copy.kind === 'request' && stagedEvents && copy.method in stagedEvents) {
          setTimeout(() => {
            window.postMessage(JSON.parse(stagedEvents[copy.method]), '*');
            window.postMessage({ kind: 'response', id: copy.id, ok: true, result: {} }, '*');
          });
        } else if (copy && copy.kind === 'request' && stagedJson && copy.method in stagedJson) {
          setTimeout(() => {
            const reply = { kind: 'response', id: copy.id, ok: true, result: JSON.parse(stagedJson[copy.method]) };
            window.postMessage(reply, '*');
          });
        } else if (copy && copy.kind === 'request' && staged && copy.method in staged) {
          const reply = { kind: 'response', id: copy.id, ok: true, result: staged[copy.method] };
          setTimeout(() => window.postMessage(reply, '*'));
        }
        if (typeof window.__toHost === 'function') window.__toHost(copy);
      },
      getState() {
        return window.__state === undefined ? undefined : structuredClone(window.__state);
      },
      setState(state) {
        window.__state = structuredClone(state);
        sessionStorage.setItem(KEY, JSON.stringify(state));
        return state;
      },
    });
  };
})();`;
}

/** Distinct little storyboard frames (sky, sun, skyline) at the 2.39:1 ratio of the fixtures. */
async function makeThumbnails(count: number): Promise<Buffer[]> {
  const width = 400;
  const height = 167;
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const hue = (i * 360) / count;
      const sunX = 40 + ((i * 53) % 320);
      const buildings = Array.from({ length: 9 }, (_, b) => {
        const h = 30 + ((i * 31 + b * 17) % 70);
        return `<rect x="${b * 46}" y="${height - h}" width="40" height="${h}" fill="hsl(${hue},30%,${10 + (b % 3) * 4}%)"/>`;
      }).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
        <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stop-color="hsl(${hue},55%,22%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},60%,55%)"/>
        </linearGradient></defs>
        <rect width="${width}" height="${height}" fill="url(#g)"/>
        <circle cx="${sunX}" cy="${60 + (i % 5) * 8}" r="${14 + (i % 4) * 5}" fill="hsl(${(hue + 180) % 360},80%,75%)"/>
        ${buildings}
      </svg>`;
      return sharp(Buffer.from(svg)).webp({ quality: 80 }).toBuffer();
    }),
  );
}
