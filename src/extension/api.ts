// What `activate` returns: enough for the in-VS-Code test suite (and other extensions) to observe
// Dailies without reaching into its internals.
import type { ShotView } from '../core/state/productionState';
import type { BatchSummary, RenderEvent } from '../shared/events';

export interface ProductionInfo {
  file: string;
  label: string;
  problem?: string;
  rendering: boolean;
  shots: ShotView[];
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
  /** Label, description and icon of every node of the Shots tree (depth-first). */
  treeSnapshot(): { id: string; label: string; description?: string; icon?: string; contextValue?: string }[];
  /** Open storyboard / metrics panels, by production file. */
  openPanels(): { storyboards: string[]; metrics: string[] };
}
