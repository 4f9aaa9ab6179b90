import { writeFileAtomic } from '../util/atomicWrite';
import { readStateFile } from '../util/contained';

/**
 * Reads a JSON sidecar; a missing or corrupt file (a torn write, a hand edit) reads as `fallback`, and so
 * does a link (a state file is Dailies' own: a link there was planted, and is replaced on the next write).
 */
export async function readJsonFile<T>(file: string, fallback: T, guard: (v: unknown) => v is T): Promise<T> {
  try {
    const bytes = await readStateFile(file);
    if (!bytes) return fallback;
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return guard(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/** Atomic, inside the project, never through a link (see `writeFileAtomic`); creates missing folders. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value));
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
