// The platforms Dailies ships a VSIX for, and the native npm packages each VSIX carries for its own
// platform only. Shared by scripts/package.mjs (staging) and scripts/vsix-check.mjs (verification).

export interface TargetPlatform {
  os: string;
  cpu: string;
  libc?: string;
}

/** VS Code target → the npm --os/--cpu/--libc that installs that platform's optional packages. */
export const TARGETS: Record<string, TargetPlatform> = {
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'win32-x64': { os: 'win32', cpu: 'x64' },
};

/**
 * Native dependencies, one line each. `perPlatform` matches every per-platform package of the dependency
 * and captures its platform (an installed one for another platform fails the check); `binariesIn` names
 * the packages that must hold native binaries for the target. The dependency itself goes in package.json
 * `dependencies`; npm picks its per-platform packages from --os/--cpu. The animatic's ffmpeg would be:
 *   { dependency: '@ffmpeg-installer/ffmpeg', perPlatform: /^@ffmpeg-installer\/((?:linux|darwin|win32)-.+)$/, binariesIn: (t) => [`@ffmpeg-installer/${t}`] },
 */
export interface NativeDependency {
  dependency: string;
  perPlatform: RegExp;
  binariesIn: (target: string) => string[];
  /**
   * Packages that ship no licence file of their own, each with the notice to write into it as LICENSE:
   * files under scripts/licenses/, joined (a notice, then the licence's full text).
   */
  notices?: (target: string) => Record<string, string[]>;
}

export const NATIVE: NativeDependency[] = [
  {
    dependency: 'sharp',
    perPlatform: /^@img\/sharp-(?:libvips-)?(.+)$/,
    binariesIn: (t) =>
      t.startsWith('win32') ? [`@img/sharp-${t}`] : [`@img/sharp-${t}`, `@img/sharp-libvips-${t}`],
  },
  {
    dependency: '@ffmpeg-installer/ffmpeg',
    perPlatform: /^@ffmpeg-installer\/((?:linux|darwin|win32)-.+)$/,
    binariesIn: (t) => [`@ffmpeg-installer/${t}`],
    notices: (t) => ({
      '@ffmpeg-installer/ffmpeg': ['ffmpeg-installer.txt', 'LGPL-2.1.txt'],
      [`@ffmpeg-installer/${t}`]: ['ffmpeg.txt', 'GPL-3.0.txt'],
    }),
  },
];

/** The target of this machine, when Dailies ships one for it. */
export function hostTarget(): string | undefined {
  const t = `${process.platform}-${process.arch}`;
  return t in TARGETS ? t : undefined;
}
