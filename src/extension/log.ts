// The Dailies output channel: `[PREWARM]`, `[CACHE]`, `[RENDER]`, `[ERROR]`… lines. Nothing logged here may
// contain a key (the engine never puts one in).
//
// Two levels meet here. `dailies.logLevel` is what Dailies writes. VS Code's own level for the channel
// ("Developer: Set Log Level…" → Dailies; Info unless changed) is what the channel shows. So that the
// setting works on its own, a debug line below the channel's level goes through its info level, marked
// `[debug]`; with the channel at Debug or Trace it is a real debug line, and then the channel shows debug
// lines for that session even when the setting says info. A channel set to Warning or Error hides the
// lines below that, whatever the setting says.
import * as vscode from 'vscode';
import type { LogTag } from '../shared/events';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const CHANNEL_RANK: Record<vscode.LogLevel, number> = {
  [vscode.LogLevel.Off]: 99,
  [vscode.LogLevel.Trace]: -1,
  [vscode.LogLevel.Debug]: 0,
  [vscode.LogLevel.Info]: 1,
  [vscode.LogLevel.Warning]: 2,
  [vscode.LogLevel.Error]: 3,
};

export class DailiesLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Dailies', { log: true });
  private level: Level = 'info';

  setLevel(level: Level): void {
    this.level = level;
  }

  write(level: Level, tag: LogTag | 'EXT', message: string): void {
    const channel = CHANNEL_RANK[this.channel.logLevel] ?? RANK.info;
    if (RANK[level] < Math.min(RANK[this.level], channel)) return;
    if (RANK[level] >= channel) this.channel[level](`[${tag}] ${message}`);
    else this.channel.info(`[${level}] [${tag}] ${message}`);
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
