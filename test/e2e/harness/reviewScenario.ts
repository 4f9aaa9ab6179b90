// Dailies review as a user does it in the real UI (issue 13), after the in-host suite: open the take
// viewer from the palette on a four-take shot, pick and circle a take with the keyboard, request changes
// in the note box, edit the prompt and re-render, compare the two versions as a wipe, restore the first
// one with its button. Each step is checked on disk and on screen, with a screenshot.
import { readFileSync, writeFileSync } from 'node:fs';
import { findNodeAtLocation, getNodeValue, parseTree } from 'jsonc-parser';
import type { Frame } from 'playwright-core';
import { say } from './env';
import type { Check } from './panelChecks';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

const SHOT = 's02-010'; // four takes
const NOTE = 'Warmer lamps, and lose the figure on the left.';

function shotValue(file: string, key: string): unknown {
  const root = parseTree(readFileSync(file, 'utf8'));
  const shot = findNodeAtLocation(root!, ['shots'])?.children?.find(
    (s) => findNodeAtLocation(s, ['id'])?.value === SHOT,
  );
  const node = shot ? findNodeAtLocation(shot, [key]) : undefined;
  return node ? getNodeValue(node) : undefined;
}

/** The DOM bits read in the page (this tsconfig has no DOM lib). */
interface ImgLike {
  dataset: Record<string, string | undefined>;
}

async function fullImages(frame: Frame, n: number): Promise<void> {
  await waitFor(
    `${n} takes at full resolution in the take viewer`,
    async () => {
      const loaded = await frame
        .locator('.pane img.take')
        .evaluateAll(
          (els: unknown[]) => (els as ImgLike[]).filter((i) => i.dataset['loaded'] === 'full').length,
        );
      return loaded >= n;
    },
    { timeoutMs: 20_000 },
  );
}

export async function reviewThroughTheUi(wb: Workbench, projectFile: string, check: Check): Promise<void> {
  await wb.runCommand('View: Close All Editors');
  await wb.runCommand('Dailies: Open Take Viewer', { asks: true });
  // No shot under a cursor: the command asks which one.
  const input = wb.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(SHOT);
  await wb.page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: SHOT }).waitFor();
  await wb.page.keyboard.press('Enter');
  const viewer = await wb.webview('viewer');
  await viewer.locator('.shot-title', { hasText: SHOT }).waitFor();
  await fullImages(viewer, 4);
  check(
    `take viewer shows the 4 takes of ${SHOT} side by side at full resolution`,
    (await viewer.locator('.pane').count()) === 4,
  );
  await wb.screenshotWebview(viewer, '10-take-viewer-four-takes');

  // Keyboard: 3 picks, C circles. Focus the page first (a click on the take picks it too).
  await viewer.locator('.pane[data-take="3"] .frame').click();
  await viewer.locator('.pane[data-take="3"][data-picked]').waitFor();
  await wb.page.keyboard.press('c');
  await waitFor('"take": 3 in project.json', () => shotValue(projectFile, 'take') === 3, {
    seen: () => shotValue(projectFile, 'take'),
  });
  await viewer.locator('.pane[data-take="3"][data-circled]').waitFor();
  check('1–9 and C circle a take: "take": 3 in project.json, ringed in the viewer', true);

  await wb.page.keyboard.press('r');
  const noteBox = viewer.locator('.note-box:not([hidden]) textarea');
  await noteBox.waitFor();
  // The box takes focus a frame after it shows: keys typed before that go to the viewer, not the note.
  await waitFor('the note box to take focus', () =>
    noteBox.evaluate(
      (el) =>
        (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el,
    ),
  );
  await wb.page.keyboard.type(NOTE);
  await wb.screenshotWebview(viewer, '11-take-viewer-note-box');
  await wb.page.keyboard.press('Control+Enter');
  await waitFor(
    'the note in project.json',
    () => {
      const review = shotValue(projectFile, 'review') as
        | { status?: string; notes?: { text: string }[] }
        | undefined;
      return review?.status === 'changes-requested' && review.notes?.at(-1)?.text === NOTE;
    },
    { seen: () => shotValue(projectFile, 'review') },
  );
  await viewer.locator('.review-status[data-review="changes-requested"]').waitFor();
  check(
    'R opens the note box; Ctrl+Enter requests changes with the note (status + note in project.json)',
    true,
  );
  await wb.screenshotWebview(viewer, '12-take-viewer-changes-requested');

  // Earlier suites may have rendered this shot more than once: the version current now is the old one.
  const before = await viewer.locator('.version.current').getAttribute('data-version');
  // A prompt edit (as another editor or a teammate's pull would make it), then a re-render.
  const prompt = String(shotValue(projectFile, 'prompt'));
  const text = readFileSync(projectFile, 'utf8');
  writeFileSync(
    projectFile,
    text.replace(JSON.stringify(prompt), JSON.stringify(`${prompt} Lantern light only.`)),
  );
  await waitFor('the status bar to count 1 stale', async () => /· 1 stale\b/.test(await wb.statusText()), {
    seen: () => wb.statusText(),
  });
  await wb.runCommand('Dailies: Render Stale Shots');
  await waitFor('up to date again', async () => (await wb.statusText()).includes('up to date'), {
    timeoutMs: 60_000,
    seen: () => wb.statusText(),
  });
  await viewer.locator('.review-status[data-review="pending"]').waitFor({ timeout: 15_000 });
  await viewer.locator(`.version.current:not([data-version="${before}"])`).waitFor();
  check(
    'a re-render after changes were requested: pending again, the note kept as history, a new current version',
    (await viewer.locator('.note.earlier').count()) === 1,
  );

  await wb.clearNotifications(); // the render's toast can sit over the versions list
  await viewer.locator(`.version[data-version="${before}"] .version-compare`).first().click();
  await wb.page.keyboard.press('w');
  await viewer.locator('.pane-wipe').waitFor();
  await fullImages(viewer, 2);
  check(
    `"A" on version ${before} and W compare it with the new version as a wipe`,
    (await viewer.locator('.pane-wipe img.take').count()) === 2,
  );
  await wb.screenshotWebview(viewer, '13-take-viewer-versions-wipe');

  await viewer.locator(`.version[data-version="${before}"] .version-restore`).click();
  await waitFor('the first prompt back in project.json', () => shotValue(projectFile, 'prompt') === prompt, {
    seen: () => shotValue(projectFile, 'prompt'),
  });
  await viewer.locator(`.version[data-version="${before}"].current`).waitFor({ timeout: 15_000 });
  await waitFor(
    'up to date on the restored version',
    async () => (await wb.statusText()).includes('up to date'),
    {
      seen: () => wb.statusText(),
    },
  );
  check(`Restore brings version ${before} back (images and prompt); up to date without a render`, true);
  await wb.screenshot('14-workbench-after-restore');

  await wb.runCommand('Dailies: Open Storyboard');
  const board = await wb.webview('storyboard');
  await board.locator(`.card[data-shot-id="${SHOT}"] .take-chip[data-circled]`).waitFor();
  check('the storyboard card rings the circled take', true);
  await wb.screenshotWebview(board, '15-storyboard-review');
  await wb.screenshotSidebar('16-tree-review');
  say('review loop done');
}
