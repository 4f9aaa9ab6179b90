// One webview page in its own browser context, with the fake host attached and every console error,
// page error and CSP violation collected for the assertions.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeHost, type HostHandler } from './fakeHost';
import type { Harness } from './harness';

export interface Violation {
  directive: string;
  blocked: string;
  source: string;
  line: number;
}

export interface ViewSession {
  context: BrowserContext;
  page: Page;
  host: FakeHost;
  consoleErrors: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  query?: string;
  viewport?: { width: number; height: number };
}

export async function openView(
  browser: Browser,
  harness: Harness,
  view: 'storyboard' | 'metrics' | 'cut' | 'viewer',
  handlers: Record<string, HostHandler>,
  options: OpenOptions = {},
): Promise<ViewSession> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    // Fixtures point some thumbnails at missing files on purpose, to exercise the fallback.
    if (m.type() === 'error' && !m.location().url.includes('/missing.')) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const host = await FakeHost.attach(page, handlers);
  // Not `load`: that waits for every image in the document, and some tests hold images back on purpose
  // (a page that asks its host quickly has them in the document before `load`, so the test would wait on
  // itself). Every test waits for what it needs on the page instead.
  await page.goto(`${harness.origin}/${view}.html${options.query ? `?${options.query}` : ''}`, {
    waitUntil: 'domcontentloaded',
  });
  return { context, page, host, consoleErrors, pageErrors, close: () => context.close() };
}

/** Reads a global the harness shim keeps on the page's window. */
export function pageGlobal(
  page: Page,
  name: '__violations' | '__state' | '__inlineRan' | '__posted',
): Promise<unknown> {
  return page.evaluate((n) => (globalThis as unknown as Record<string, unknown>)[n], name);
}

export async function violations(page: Page): Promise<Violation[]> {
  return ((await pageGlobal(page, '__violations')) as Violation[] | undefined) ?? [];
}

/** The only CSP report a harness page may produce: the deliberately nonce-less inline script. */
export function isHarnessInlineProbe(v: Violation): boolean {
  return v.blocked === 'inline' && v.directive === 'script-src-elem';
}

/** Chromium's console line for that same blocked script. */
export function isHarnessInlineConsoleError(text: string): boolean {
  return (
    text.includes('Executing inline script violates the following Content Security Policy directive') ||
    text.includes('Refused to execute inline script')
  );
}

export interface ElementLike {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  querySelectorAll(selector: string): { length: number };
}

/** Number of elements under the first element matching `selector`. */
export function countElements(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .evaluate((root: unknown) => (root as ElementLike).querySelectorAll('*').length);
}

export function setScrollTop(page: Page, selector: string, top: number): Promise<void> {
  return page.locator(selector).evaluate((el: unknown, t: number) => {
    (el as ElementLike).scrollTop = t;
  }, top);
}

export function getScrollTop(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((el: unknown) => (el as ElementLike).scrollTop);
}

/** The page's globals as seen from functions that run in the page (test files have no DOM types). */
interface ElementHandleLike {
  id: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): ElementHandleLike | null;
}

export interface PageGlobals {
  document: {
    querySelector(selector: string): ElementHandleLike | null;
    querySelectorAll(selector: string): Iterable<ElementHandleLike>;
  };
  sessionStorage: { setItem(key: string, value: string): void };
  __state?: { scrollTop: number };
}
