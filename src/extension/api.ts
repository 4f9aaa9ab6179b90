// What `activate` returns: enough for the in-VS-Code test suite (and other extensions) to observe
// Dailies without reaching into its internals.
import type { ShotView } from '../core/state/productionState';
import type { BatchSummary, RenderEvent } from '../shared/events';
import type { DeliveredRow } from './views/shotsTree';

export interface ProductionInfo {
  file: string;
  label: string;
  problem?: string;
  rendering: boolean;
  shots: readonly ShotView[];
  /** How many times the production was re-planned from its text, and how many write-backs it made. */
  plans: number;
  writeBacks: number;
}

export interface DailiesApi {
  /** Resolves after the first discovery of productions. */
  ready(): Promise<void>;
  productions(): ProductionInfo[];
  /** Every engine event of every production (present and future), until disposed. */
  onRenderEvent(listener: (file: string, event: RenderEvent) => void): { dispose(): void };
  /** Renders (like the commands do, through the same spend confirmation) and resolves with the summaries. */
  render(options?: { file?: string; shots?: string[]; force?: boolean }): Promise<BatchSummary[]>;
  /** Re-plans every production from disk. */
  refresh(): Promise<void>;
  /** Text of the status bar item, as shown. */
  statusText(): string;
  /** The Shots view's header (its description): the same summary as the status bar. */
  treeHeader(): string | undefined;
  /** Each shot row as VS Code last received it from the tree (only rows VS Code has fetched). */
  treeRows(): DeliveredRow[];
  /** Label, description, icon and tooltip (markdown source) of every node of the Shots tree (depth-first). */
  treeSnapshot(): {
    id: string;
    label: string;
    description?: string;
    icon?: string;
    contextValue?: string;
    tooltip?: string;
  }[];
  /** Open storyboard / metrics panels, by production file. */
  openPanels(): { storyboards: string[]; metrics: string[] };
  /** Whether the Shots view is visible, and the ids of its selected nodes. */
  shotsView(): { visible: boolean; selection: string[] };
  /** The shot ids a palette command would take right now (the latest selection anywhere), if any. */
  paletteSelection(): string[] | undefined;
  /**
   * Sends a request to the host side of a production's open storyboard exactly as its webview would, and
   * resolves with the answer (for tests: the webview's own clicks cannot be driven from the host).
   */
  storyboardRequest(file: string, method: string, params: unknown): Promise<unknown>;
}
