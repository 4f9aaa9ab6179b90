// Multi-selection over the displayed order: plain click selects one, Ctrl/Cmd toggles, Shift extends
// from the anchor (the last plainly or Ctrl-clicked shot), like VS Code's lists.

export class Selection {
  private ids = new Set<string>();
  private anchor: string | undefined;

  get size(): number {
    return this.ids.size;
  }

  get hasAnchor(): boolean {
    return this.anchor !== undefined;
  }

  /** Where the next Shift-extension starts (the last focused card). */
  setAnchor(id: string): void {
    this.anchor = id;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  toArray(): string[] {
    return [...this.ids];
  }

  only(id: string): void {
    this.ids = new Set([id]);
    this.anchor = id;
  }

  toggle(id: string): void {
    if (!this.ids.delete(id)) this.ids.add(id);
    this.anchor = id;
  }

  /** Select the run between the anchor and `id` in `order`; `add` keeps what was selected. */
  extend(
    id: string,
    order: readonly { id: string }[],
    indexOf: ReadonlyMap<string, number>,
    add: boolean,
  ): void {
    const to = indexOf.get(id);
    const from = this.anchor === undefined ? undefined : indexOf.get(this.anchor);
    if (to === undefined) return;
    if (from === undefined) {
      this.only(id);
      return;
    }
    if (!add) this.ids.clear();
    const [lo, hi] = from <= to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) this.ids.add(order[i]!.id);
  }

  replace(ids: Iterable<string>): void {
    this.ids = new Set(ids);
    this.anchor = undefined;
  }

  clear(): void {
    this.ids.clear();
    this.anchor = undefined;
  }

  /** Forget ids that no longer exist (after a new snapshot). */
  retain(exists: (id: string) => boolean): void {
    for (const id of this.ids) if (!exists(id)) this.ids.delete(id);
    if (this.anchor !== undefined && !exists(this.anchor)) this.anchor = undefined;
  }
}
