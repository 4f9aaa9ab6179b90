// Which ffmpeg runs: the `dailies.ffmpegPath` setting, else DAILIES_FFMPEG, else the static build that the
// @ffmpeg-installer per-platform package carries (installed with Dailies: nothing is downloaded and the
// system PATH is never searched, so every machine cuts with the same encoder unless told otherwise).
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CutError } from './errors';

export type FfmpegSource = 'setting' | 'env' | 'package';

export interface FfmpegLocation {
  path: string;
  source: FfmpegSource;
}

export interface LocateOptions {
  /** `dailies.ffmpegPath` (machine-scoped: a workspace cannot point it at a binary of its choosing). */
  setting?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
}

/** The per-platform package's name, e.g. `@ffmpeg-installer/linux-x64`. */
export function ffmpegPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `@ffmpeg-installer/${platform}-${arch}`;
}

export function locateFfmpeg(o: LocateOptions = {}): FfmpegLocation {
  const setting = o.setting?.trim();
  if (setting) return { path: checkBinary(setting, 'the dailies.ffmpegPath setting'), source: 'setting' };
  const env = (o.env ?? process.env)['DAILIES_FFMPEG']?.trim();
  if (env) return { path: checkBinary(env, 'DAILIES_FFMPEG'), source: 'env' };
  const platform = o.platform ?? process.platform;
  const pkg = ffmpegPackage(platform, o.arch ?? process.arch);
  let dir: string;
  try {
    // Resolved at run time (not bundled): the binary sits in node_modules beside the extension or CLI.
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new CutError(
      'not-found',
      `ffmpeg is not installed: the package ${pkg} is missing (reinstall Dailies, or set dailies.ffmpegPath / DAILIES_FFMPEG to an ffmpeg binary)`,
    );
  }
  const file = path.join(dir, platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
  return { path: checkBinary(file, pkg), source: 'package' };
}

function checkBinary(file: string, from: string): string {
  if (!path.isAbsolute(file)) {
    throw new CutError('validation', `ffmpeg path "${file}" from ${from} must be absolute`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new CutError('not-found', `ffmpeg not found at ${file} (from ${from})`);
  }
  if (process.platform !== 'win32') {
    try {
      accessSync(file, constants.X_OK);
    } catch {
      // A package unpacked without its mode bits (some zip tools drop them): make it runnable once.
      try {
        chmodSync(file, statSync(file).mode | 0o111);
      } catch {
        throw new CutError('not-found', `ffmpeg at ${file} (from ${from}) is not executable`);
      }
    }
  }
  return file;
}
