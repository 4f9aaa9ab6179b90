// Versioned getState/setState. A blob from another version is dropped rather than migrated: it only
// holds UI state (scroll, filters, selection), never data, so defaults are always a safe answer.
import { isRecord } from './guards';
import type { VsCodeApi } from './vscodeApi';

export interface Versioned {
  v: number;
}

export function loadState<S extends Versioned>(
  api: VsCodeApi,
  defaults: S,
  read: (raw: Record<string, unknown>, defaults: S) => S,
): S {
  const raw = api.getState();
  if (!isRecord(raw) || raw['v'] !== defaults.v) return defaults;
  return read(raw, defaults);
}

/**
 * Coalesces frequent saves (scrolling) and flushes before the page goes away. A save may pass a function:
 * the state is then built once per flush, not on every scroll event.
 */
export class StateSaver<S extends Versioned> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: S | (() => S) | undefined;

  constructor(
    private readonly api: VsCodeApi,
    private readonly delayMs = 150,
  ) {
    const flush = () => this.flush();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flush();
    });
  }

  save(state: S | (() => S), immediate = false): void {
    this.pending = state;
    if (immediate) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) this.api.setState(typeof this.pending === 'function' ? this.pending() : this.pending);
    this.pending = undefined;
  }
}
