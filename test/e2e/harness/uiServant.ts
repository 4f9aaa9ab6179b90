// The in-host suite's hands and eyes in the real UI. Code inside the extension host cannot click a modal
// dialog's button, type into an input box or click a webview; a user can. So while the suite runs, this
// loop (outside, driving Chromium like a user) takes requests the suite writes into a folder
// (DAILIES_E2E_UI), waits for the UI they name, reads what it shows, acts, and writes back what it saw.
// The protocol is in ../suite/support/ui.ts (the other end). Nothing here talks to Dailies itself.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import type { UiAnswer, UiRequest } from '../suite/support/uiProtocol';
import { say } from './env';
import { sleep, waitFor } from './wait';
import type { Workbench } from './workbench';

const DIALOG = '.monaco-dialog-box';
const QUICK_INPUT = '.quick-input-widget';
const APPEAR_MS = 30_000;

export class UiServant {
  private stopped = false;
  private readonly done = new Set<string>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly wb: Workbench,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  start(): void {
    // Requests left from an earlier session (a suite that gave up waiting) are not ours to answer.
    for (const f of readdirSync(this.dir)) if (/^req-\d+\.json$/.test(f)) this.done.add(f);
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const next = readdirSync(this.dir)
        .filter((f) => /^req-\d+\.json$/.test(f) && !this.done.has(f))
        .sort((a, b) => Number(a.slice(4, -5)) - Number(b.slice(4, -5)))[0];
      if (!next) {
        await sleep(100);
        continue;
      }
      this.done.add(next);
      const request = JSON.parse(readFileSync(path.join(this.dir, next), 'utf8')) as UiRequest;
      let answer: UiAnswer;
      try {
        answer = await this.serve(request);
      } catch (err) {
        answer = { ok: false, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
        await this.wb.screenshot(`ui-failed-${next.slice(4, -5)}`).catch(() => undefined);
      }
      say(`  ui ${request.kind}: ${answer.ok ? 'done' : `failed (${answer.error})`}`);
      const out = path.join(this.dir, next.replace('req-', 'res-'));
      writeFileSync(`${out}.tmp`, JSON.stringify(answer));
      renameSync(`${out}.tmp`, out);
    }
  }

  private get page(): Page {
    return this.wb.page;
  }

  private async serve(r: UiRequest): Promise<UiAnswer> {
    switch (r.kind) {
      case 'dialog': {
        const box = this.page.locator(DIALOG);
        await box.waitFor({ state: 'visible', timeout: r.timeoutMs ?? APPEAR_MS });
        const text = await visibleText(box);
        if (r.screenshot) await this.wb.screenshot(r.screenshot);
        if (r.click === null) await this.page.keyboard.press('Escape');
        else await box.locator('.monaco-button', { hasText: r.click }).first().click();
        await box.waitFor({ state: 'hidden', timeout: 10_000 });
        return { ok: true, text };
      }
      case 'input': {
        const widget = this.page.locator(QUICK_INPUT);
        const input = widget.locator('input.input');
        await input.waitFor({ state: 'visible', timeout: r.timeoutMs ?? APPEAR_MS });
        const text = await visibleText(widget);
        const links = await widget
          .locator('.quick-input-message a')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href') || a.getAttribute('data-href') || ''));
        const password = (await input.getAttribute('type')) === 'password';
        // The message line shows the prompt until a value is invalid: only a different text is a complaint.
        const prompt = await settledMessage(widget);
        const complaint = async () => {
          const m = await settledMessage(widget);
          return m === prompt ? '' : m;
        };
        const validations: string[] = [];
        for (const value of r.values.slice(0, -1)) {
          await input.fill(value ?? '');
          validations.push(await complaint());
        }
        const last = r.values.at(-1);
        if (r.screenshot) await this.wb.screenshot(r.screenshot);
        if (last === undefined || last === null) await this.page.keyboard.press('Escape');
        else {
          await input.fill(last);
          validations.push(await complaint());
          await input.press('Enter');
        }
        await widget.waitFor({ state: 'hidden', timeout: 10_000 });
        return { ok: true, text, links, password, validations };
      }
      case 'quickpick': {
        const { widget, rows, labels, placeholder, text } = await this.shownQuickPick(r);
        // A single-select list takes the clicked row at once (and the next quick input may reuse the widget
        // straight away); a multi-select one toggles rows and is accepted with Enter.
        // Only a multi-select list shows the "n Selected" badge.
        const multi = await widget.locator('.quick-input-count').isVisible();
        if (r.pick === null) {
          await this.page.keyboard.press('Escape');
          await widget.waitFor({ state: 'hidden', timeout: 10_000 });
        } else if (multi) {
          // Toggle each row; the "n Selected" badge must agree before the next one.
          const count = widget.locator('.quick-input-count');
          for (const [i, pick] of r.pick.entries()) {
            // Clicking a row of a multi-select list toggles its checkbox.
            await rows.filter({ hasText: pick }).first().click();
            await waitFor(
              `"${pick}" checked`,
              async () => (await visibleText(count)).includes(`${i + 1} Selected`),
              {
                timeoutMs: 5000,
                seen: () => visibleText(count),
              },
            );
          }
          if (r.screenshot) await this.wb.screenshot(`${r.screenshot}-picked`);
          // Accept: Enter in the filter box, else the OK button; done when the list is gone.
          const hidden = async () => !(await widget.isVisible());
          await widget.locator('input.input').press('Enter');
          try {
            await waitFor('the picks to be accepted', hidden, { timeoutMs: 3000 });
          } catch {
            await widget.locator('.quick-input-action .monaco-button', { hasText: 'OK' }).first().click();
            await waitFor('the picks to be accepted (OK)', hidden, { timeoutMs: 10_000 });
          }
        } else {
          await rows
            .filter({ hasText: r.pick[0] ?? '' })
            .first()
            .click();
          // Accepted: the list goes (or the next quick input takes its place).
          await waitFor(
            'the pick to be accepted',
            async () => !(await widget.isVisible()) || (await visibleText(widget)) !== text,
            { timeoutMs: 10_000 },
          );
        }
        return { ok: true, text, rows: labels, placeholder };
      }
      case 'quickpickShown': {
        const { text, labels, placeholder } = await this.shownQuickPick(r);
        return { ok: true, text, rows: labels, placeholder };
      }
      case 'treeContext': {
        const row = await this.treeRow(r.label);
        // The menu lives in a shadow root under .context-view (CSS locators pierce open shadow roots).
        const item = this.page
          .locator('.context-view .action-item', {
            has: this.page.locator('.action-label', { hasText: new RegExp(`^${esc(r.item)}$`) }),
          })
          .first();
        // A fresh menu can ignore a click that comes right after it opened (it guards against the release of
        // the right click that opened it), and a row's hover card can sit over the next row: the pointer
        // leaves the tree first, the item is chosen by hover + Enter, and the menu is opened again until
        // Enter runs the item and closes it.
        for (let attempt = 1; ; attempt++) {
          await this.page.mouse.move(1, 1);
          await this.wb.settle(300);
          await row.click({ button: 'right', timeout: 10_000 });
          await item.waitFor({ state: 'visible', timeout: r.timeoutMs ?? APPEAR_MS });
          // Onto the item at once: a pointer resting on the row brings up its hover card, which closes the
          // menu. Hovering an item focuses it; Enter runs it (no click for the menu's guard to drop).
          const onItem = await item
            .hover({ timeout: 5000 })
            .then(() => true)
            .catch(() => false);
          if (r.screenshot && attempt === 1) await this.wb.screenshot(r.screenshot);
          let closed = false;
          if (onItem && (await item.isVisible())) {
            await this.page.keyboard.press('Enter');
            closed = await item
              .waitFor({ state: 'hidden', timeout: 2000 })
              .then(() => true)
              .catch(() => false);
          }
          if (closed) break;
          if (attempt === 3) throw new Error(`the context menu did not run "${r.item}"`);
          await this.page.keyboard.press('Escape');
        }
        return { ok: true };
      }
      case 'treeSelect': {
        for (const [i, label] of r.labels.entries()) {
          const row = await this.treeRow(label);
          await row.click({ modifiers: i ? ['Control'] : [] });
        }
        // The selection reaches the extension host a moment after the click, as it would before a person
        // could reach the palette: let it arrive before answering.
        await this.wb.settle(500);
        return { ok: true };
      }
      case 'storyboard': {
        const frame = await this.storyboard(r.select[0] ?? '');
        for (const [i, id] of r.select.entries()) {
          await frame
            .locator(`[data-shot-id="${id}"]`)
            .first()
            .click({ modifiers: i ? ['Control'] : [] });
        }
        await this.wb.settle(500); // the webview reports its selection to the host asynchronously
        if (r.screenshot) await this.wb.screenshot(r.screenshot);
        if (r.button) await frame.locator(`[data-action="${r.button}"]`).first().click();
        return { ok: true };
      }
      case 'viewer': {
        const button = await this.inFrames('.transport button.play');
        await button.click();
        if (r.screenshot) await this.wb.screenshot(r.screenshot);
        return { ok: true };
      }
      case 'webviewText': {
        const frame = await this.frameWith(r.marker, r.hasText, r.timeoutMs ?? APPEAR_MS);
        if (r.screenshot) await this.wb.screenshotWebview(frame, r.screenshot);
        return { ok: true, rows: (await frame.locator(r.read).allInnerTexts()).map((t) => t.trim()) };
      }
      case 'notification': {
        const toast = this.page.locator('.notification-toast', { hasText: r.containing }).first();
        await toast.waitFor({ state: 'visible', timeout: r.timeoutMs ?? APPEAR_MS });
        const text = await visibleText(toast);
        if (r.screenshot) await this.wb.screenshot(r.screenshot);
        if (r.click) await toast.locator('.monaco-button', { hasText: r.click }).first().click();
        return { ok: true, text };
      }
      case 'statusBar': {
        await this.page.locator('[id="dailies.dailies.dailies.status"]').click();
        return { ok: true };
      }
      case 'screenshot': {
        await this.wb.screenshot(r.name);
        return { ok: true };
      }
      case 'keys': {
        for (const key of r.keys) await this.page.keyboard.press(key);
        return { ok: true };
      }
    }
  }

  /** The quick pick once its rows show: its rows' labels, placeholder and text (a screenshot if asked). */
  private async shownQuickPick(r: { timeoutMs?: number; screenshot?: string }) {
    const widget = this.page.locator(QUICK_INPUT);
    const rows = widget.locator('.monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: r.timeoutMs ?? APPEAR_MS });
    const labels = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map(
      (l) => l.trim(),
    );
    const placeholder = (await widget.locator('input.input').getAttribute('placeholder')) ?? '';
    const text = await visibleText(widget);
    if (r.screenshot) await this.wb.screenshot(r.screenshot);
    return { widget, rows, labels, placeholder, text };
  }

  /** The first visible element matching `selector` in any webview frame. */
  private async inFrames(selector: string): Promise<Locator> {
    return waitFor(
      `a webview showing ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          const found = frame.locator(selector).first();
          if (await found.isVisible().catch(() => false)) return found;
        }
        return undefined;
      },
      { timeoutMs: APPEAR_MS },
    );
  }

  /** The Shots tree row with this label (the view opened first if it is not showing). */
  private async treeRow(label: string): Promise<Locator> {
    // The activity bar icon toggles: click it only when the Shots view is not already showing.
    const shown = await this.page
      .locator('.part.sidebar .monaco-list-row[aria-label^="Shot "]')
      .first()
      .isVisible()
      .catch(() => false);
    if (!shown) await this.wb.showDailiesView();
    return this.page
      .locator('.part.sidebar .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${esc(label)}$`) }) })
      .first();
  }

  /** The storyboard content frame that shows this shot's card (shot ids differ between productions). */
  private storyboard(shotId: string): Promise<Frame> {
    return this.frameWith(`[data-shot-id="${shotId}"]`, undefined, APPEAR_MS);
  }

  /** The webview content frame holding `selector` (with `hasText`, when given). */
  private frameWith(selector: string, hasText: string | undefined, timeoutMs: number): Promise<Frame> {
    return waitFor(
      `a webview showing ${selector}${hasText ? ` "${hasText}"` : ''}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          // Frames come and go while panels open; a detached one just does not count.
          const n = await frame
            .locator(selector, hasText ? { hasText } : {})
            .count()
            .catch(() => 0);
          if (n > 0) return frame;
        }
        return undefined;
      },
      { timeoutMs },
    );
  }
}

/** The quick input's message once typing has been validated (VS Code validates asynchronously). */
async function settledMessage(widget: Locator): Promise<string> {
  await sleep(400);
  return (await visibleText(widget.locator('.quick-input-message')).catch(() => '')).trim();
}

/** The text as rendered, line breaks included (what a user reads). */
async function visibleText(locator: Locator): Promise<string> {
  return (await locator.allInnerTexts()).join('\n');
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function servantDir(root: string): string {
  const dir = path.join(root, 'ui');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  return dir;
}
