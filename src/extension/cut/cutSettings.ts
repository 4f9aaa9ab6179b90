// `dailies.animatic.*` and `dailies.ffmpegPath`. The ffmpeg path is machine-scoped in package.json, and is
// read here from the user's own settings only: a workspace (a cloned repository) must never choose which
// program Dailies runs.
import * as vscode from 'vscode';
import type { AnimaticOptions } from '../../core/cut/options';

export interface CutSettings {
  options: Partial<AnimaticOptions>;
  ffmpegPath?: string;
  /** Keep an existing animatic current while shots render. */
  rebuildOnRender: boolean;
}

export function readCutSettings(scope?: vscode.Uri): CutSettings {
  const c = vscode.workspace.getConfiguration('dailies', scope);
  const ffmpeg = c.inspect<string>('ffmpegPath');
  return {
    options: {
      width: c.get<number>('animatic.width'),
      fps: c.get<number>('animatic.fps'),
      burnIn: c.get<boolean>('animatic.burnIn'),
      kenBurns: c.get<boolean>('animatic.kenBurns'),
    },
    ffmpegPath: ffmpeg?.globalValue?.trim() || undefined,
    rebuildOnRender: c.get<boolean>('animatic.rebuildOnRender', true),
  };
}
