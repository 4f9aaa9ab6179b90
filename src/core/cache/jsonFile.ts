import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';

/** Reads a JSON sidecar; a missing or corrupt file (a torn write, a hand edit) reads as `fallback`. */
export async function readJsonFile<T>(file: string, fallback: T, guard: (v: unknown) => v is T): Promise<T> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return guard(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(value));
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
