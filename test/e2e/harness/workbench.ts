// The VS Code workbench in Chromium, driven like a user: the command palette, the activity bar, the
// Shots tree, the status bar, and the webviews (reached through page.frames(): each panel is an outer
// iframe around the content frame that holds the extension's DOM).
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { say } from './env';
import { sleep, waitFor } from './wait';

const STATUS = '[id="dailies.dailies.dailies.status"]';
const QUICK_INPUT = '.quick-input-widget';

export interface TreeRow {
  label: string;
  /** The codicon of a status icon, e.g. `circle-large-outline`; undefined when the icon is an image. */
  codicon?: string;
  /** The image of an icon given as a file (the shot's WebP thumbnail). */
  image?: string;
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly outDir: string,
  ) {}

  async open(url: string, folder: string): Promise<void> {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    // Dailies activates on workspaceContains:**/project.json; its status item is the sign it is up.
    await this.page
      .locator(STATUS)
      .waitFor({ timeout: 60_000 })
      .catch((err: unknown) => {
        throw new Error(
          `Dailies' status bar item never appeared: was the extension activated? (${String(err)})`,
        );
      });
  }

  async statusText(): Promise<string> {
    return ((await this.page.locator(STATUS).textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Clears every toast, so none covers what the next step clicks (a finished render's toast, say). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page
      .locator('.notification-toast')
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => undefined);
  }

  /**
   * Runs a command by its palette title, checking the palette picked exactly that entry. `asks`: the
   * command opens a quick pick of its own, so the widget stays (with an empty input) instead of closing.
   */
  async runCommand(title: string, { asks = false }: { asks?: boolean } = {}): Promise<void> {
    const input = this.page.locator(`${QUICK_INPUT} input.input`);
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+Shift+P');
      try {
        await input.waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch (err) {
        // Focus inside a webview can swallow the first chord; focus the workbench and try again.
        if (attempt === 3) throw err;
        await this.page.keyboard.press('Escape');
        await this.page.locator('.part.sidebar .composite.title').click();
      }
    }
    await input.fill(`>${title}`);
    const focused = this.page.locator(`${QUICK_INPUT} .monaco-list-row.focused`);
    await waitFor(
      `"${title}" to be the palette's pick`,
      async () => (await focused.getAttribute('aria-label').catch(() => null))?.startsWith(title),
      { timeoutMs: 10_000, seen: () => focused.getAttribute('aria-label').catch(() => null) },
    );
    await this.page.keyboard.press('Enter');
    if (asks)
      await waitFor(
        `"${title}" to ask its question`,
        async () => (await input.inputValue().catch(() => '>')) === '',
        {
          timeoutMs: 10_000,
        },
      );
    else await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10_000 });
    say(`palette: ${title}`);
  }

  async showDailiesView(): Promise<void> {
    await this.page.locator('.part.activitybar .action-label[aria-label="Dailies"]').click();
    await this.page.locator('.part.sidebar .monaco-list-row[aria-label^="Shot "]').first().waitFor();
  }

  async shotRows(): Promise<TreeRow[]> {
    const rows = this.page.locator('.part.sidebar .monaco-list-row[aria-label^="Shot "]');
    const out: TreeRow[] = [];
    for (const row of await rows.all()) {
      const icon = row.locator('.custom-view-tree-node-item-icon');
      const cls = (await icon.getAttribute('class')) ?? '';
      const style = (await icon.getAttribute('style')) ?? '';
      const label = (await row.locator('.label-name').textContent())?.trim() ?? '';
      out.push({
        label,
        codicon: /\bcodicon-([\w-]+)/.exec(cls)?.[1],
        image: /url\("?([^")]+)"?\)/.exec(style)?.[1],
      });
    }
    return out;
  }

  /** The content frame of a Dailies webview, recognised by what only it contains. */
  async webview(kind: 'storyboard' | 'metrics' | 'cut' | 'viewer', timeoutMs = 30_000): Promise<Frame> {
    const marker = {
      storyboard: '.card[data-shot-id]',
      metrics: 'h1.title',
      cut: '.cut-toolbar',
      viewer: '.stage',
    }[kind];
    return waitFor(
      `the ${kind} webview`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          // Frames come and go while panels open; a detached one just does not count.
          const n = await frame
            .locator(marker)
            .count()
            .catch(() => 0);
          if (n > 0) return frame;
        }
        return undefined;
      },
      { timeoutMs },
    );
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.outDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    say(`screenshot ${path.basename(file)}`);
    return file;
  }

  /** Just one webview panel, cropped to its outer iframe. */
  async screenshotWebview(frame: Frame, name: string): Promise<string> {
    const outer = await frame.parentFrame()?.frameElement();
    if (!outer) throw new Error(`${name}: the webview has no outer frame`);
    const file = path.join(this.outDir, `${name}.png`);
    await outer.screenshot({ path: file });
    say(`screenshot ${path.basename(file)}`);
    return file;
  }

  async screenshotSidebar(name: string): Promise<string> {
    const file = path.join(this.outDir, `${name}.png`);
    await this.page.locator('.part.sidebar').screenshot({ path: file });
    say(`screenshot ${path.basename(file)}`);
    return file;
  }

  /** Gives the renderer a moment to paint what the host just sent (tree rows, status text). */
  settle(ms = 300): Promise<void> {
    return sleep(ms);
  }
}
