// The Dailies output channel: `[PREWARM]`, `[CACHE]`, `[RENDER]`, `[ERROR]`… lines, filtered by the
// `dailies.logLevel` setting. Nothing logged here may contain a key (the engine never puts one in).
import * as vscode from 'vscode';
import type { LogTag } from '../shared/events';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class DailiesLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Dailies', { log: true });
  private level: Level = 'info';

  setLevel(level: Level): void {
    this.level = level;
  }

  write(level: Level, tag: LogTag | 'EXT', message: string): void {
    if (RANK[level] < RANK[this.level]) return;
    this.channel[level](`[${tag}] ${message}`);
  }

  info(message: string): void {
    this.write('info', 'EXT', message);
  }

  error(message: string): void {
    this.write('error', 'ERROR', message);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
