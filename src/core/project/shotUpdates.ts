// What a flush changes in a shot: its render record and queued property updates (review: take, review),
// each computed from the shot's value in the very text being edited.
import type { Node as JsonNode } from 'jsonc-parser';
import { propertyValue } from './edit';
import type { RenderRecord } from './schema';

/**
 * A change to one property of a shot, computed from its value in the very text being edited (undefined
 * when absent; `read` gives the shot's other properties): the new value, undefined to remove it, or KEEP
 * to leave it as it is.
 */
export type PropertyUpdate = (current: unknown, read: (key: string) => unknown) => unknown;
export const KEEP: unique symbol = Symbol('keep');

export type Updates = Map<string, Map<string, PropertyUpdate>>;

/** A shot's property changes in this batch: its render record, then its updates (skipping no-ops). */
export function changesOf(
  node: JsonNode,
  batch: Map<string, RenderRecord | undefined>,
  shotId: string,
  updates: Map<string, PropertyUpdate> | undefined,
): [string, unknown][] {
  const entries: [string, unknown][] = batch.has(shotId) ? [['render', batch.get(shotId)]] : [];
  for (const [key, fn] of updates ?? []) {
    const current = propertyValue(node, key);
    const next = fn(current, (other) => propertyValue(node, other));
    if (next === KEEP || JSON.stringify(next) === JSON.stringify(current)) continue;
    entries.push([key, next]);
  }
  return entries;
}
