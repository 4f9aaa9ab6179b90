// A minimal typed event emitter, because src/core must not import vscode's EventEmitter and node's
// EventEmitter loses the payload type. A throwing listener never breaks the emitter or other listeners.
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

export class Emitter<T> implements Disposable {
  private listeners = new Set<Listener<T>>();
  constructor(private readonly onListenerError?: (err: unknown) => void) {}

  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError?.(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
