// What the in-host suite may ask the UI servant (../../harness/uiServant.ts) to do in the real UI, and what
// comes back. Requests name the UI they expect; the servant waits for it to appear, reads it, then acts.

interface Base {
  /** How long the UI may take to appear (default 30 s); not appearing is an error answer. */
  timeoutMs?: number;
  /** Take a screenshot (test-output/e2e/<name>.png) while the UI is up. */
  screenshot?: string;
}

export type UiRequest =
  /** A modal dialog: click the button with this label, or null for Escape (Cancel). */
  | (Base & { kind: 'dialog'; click: string | null })
  /** An input box: type each value in turn (all but the last only to read the validation); the last is
   * accepted with Enter, or null dismisses with Escape. */
  | (Base & { kind: 'input'; values: (string | null)[] })
  /** A quick pick: toggle/click the rows containing these texts and accept, or null for Escape. */
  | (Base & { kind: 'quickpick'; pick: string[] | null })
  /** A quick pick: wait until it shows its rows, read them, and leave it open (the suite accepts it itself
   * with the workbench's quick input commands, which no click can race). */
  | (Base & { kind: 'quickpickShown' })
  /** Click these rows in the Shots tree (Ctrl for the second and later). */
  | (Base & { kind: 'treeSelect'; labels: string[] })
  /** Right-click this row of the Shots tree and choose this item of its context menu. */
  | (Base & { kind: 'treeContext'; label: string; item: string })
  /** In the storyboard that shows these cards: click them, then a toolbar action. */
  | (Base & { kind: 'storyboard'; select: string[]; button?: 'render' | 'force' | 'cancel' })
  /** A notification toast containing a text: read it, and click one of its buttons. */
  /** The webview showing `marker` with `hasText` (waits for it): the texts of its `read` elements, as rows. */
  | (Base & { kind: 'webviewText'; marker: string; hasText: string; read: string })
  | (Base & { kind: 'notification'; containing: string; click?: string })
  /** In the take viewer that shows a video take: click the transport's play/pause button. */
  | (Base & { kind: 'viewer'; click: 'playPause' })
  | (Base & { kind: 'statusBar' })
  | (Base & { kind: 'screenshot'; name: string })
  | (Base & { kind: 'keys'; keys: string[] });

export type UiAnswer =
  | {
      ok: true;
      /** The UI's visible text (dialog message and detail, quick input, toast). */
      text?: string;
      rows?: string[];
      placeholder?: string;
      links?: string[];
      password?: boolean;
      /** Validation message after each typed value. */
      validations?: string[];
    }
  | { ok: false; error: string };
