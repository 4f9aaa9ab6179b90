// The Dailies output channel: `[PREWARM]`, `[CACHE]`, `[RENDER]`, `[ERROR]`… lines. Nothing logged here may
// contain a key (the engine never puts one in).
//
// Two levels meet here. `dailies.logLevel` is what Dailies writes; VS Code's own level for the channel
// ("Developer: Set Log Level…" → Dailies, Info by default) filters what the channel's debug()/info()
// accept. A line shows when it is at or above either of them: the setting always gets what it asks for
// (a debug line below the channel's level is appended as-is, in the channel's own format), and "Set Log
// Level" can add detail for a session, never hide what the setting asks for.
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
const CHANNEL_WORD: Record<Level, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' };

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
    else this.channel.appendLine(`${timestamp()} [${CHANNEL_WORD[level]}] [${tag}] ${message}`);
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

/** `2026-11-30 12:57:49.164`, local time: what the channel writes before its own lines. */
function timestamp(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
