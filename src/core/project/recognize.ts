// Many tools name their file project.json (Nx above all). A file is a Dailies production only by
// content: a top-level `shots` key (an array when valid; anything else is a broken production whose
// schema errors the user should see), and none of the keys that mark an Nx project.
const FOREIGN_KEYS = ['targets', 'executor', 'projectType', 'sourceRoot', 'implicitDependencies'];

export function isDailiesProjectValue(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  if (obj.dailies !== undefined) return true;
  if (!('shots' in obj)) return false;
  return !FOREIGN_KEYS.some((k) => k in obj);
}

/**
 * Cheap first look at raw text (the watcher sees every project.json in a workspace): a file that cannot
 * be parsed still counts when it plainly means to be ours, so its syntax error gets reported.
 */
export function looksLikeDailiesText(text: string): boolean {
  if (/"dailies"\s*:/.test(text)) return true;
  if (!/"shots"\s*:/.test(text)) return false;
  return !FOREIGN_KEYS.some((k) => new RegExp(`"${k}"\\s*:`).test(text));
}

/**
 * A file that was a production and now plainly is something else (an Nx project, say). A file that only
 * lost its `shots` key, or is half-typed, is not: it stays a production, shown as invalid.
 */
export function isForeignProjectText(text: string): boolean {
  if (/"dailies"\s*:/.test(text)) return false;
  return FOREIGN_KEYS.some((k) => new RegExp(`"${k}"\\s*:`).test(text));
}
