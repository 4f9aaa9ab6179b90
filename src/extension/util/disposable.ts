import type * as vscode from 'vscode';

/** Owns disposables and disposes each once, in reverse order, even if one throws. */
export class DisposableStore implements vscode.Disposable {
  private items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.reverse()) {
      try {
        item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    this.items = [];
    if (errors.length) throw new AggregateError(errors, 'errors while disposing');
  }
}

export abstract class Disposable implements vscode.Disposable {
  protected readonly store = new DisposableStore();
  protected register<T extends vscode.Disposable>(item: T): T {
    return this.store.add(item);
  }
  dispose(): void {
    this.store.dispose();
  }
}
