// How many shots a storyboard asks for before its first paint. No DOM here: the bench stages the host's
// answer for the same count.
import { cardGeometry, GAP } from './layout';

/** Wider than any production's frame: the flattest cards, so the most a screen can hold. */
const WIDEST_ASPECT = 4;
const AT_LEAST = 100;

/** Two screens' worth of the smallest cards at this zoom, in a viewport of this size (CSS px). */
export function firstScreenShots(width: number, height: number, zoom: number): number {
  const { geometry } = cardGeometry(Math.max(width, 320), zoom, WIDEST_ASPECT);
  const rows = Math.ceil(Math.max(height, 240) / (geometry.cellHeight + GAP)) + 2;
  return Math.max(AT_LEAST, 2 * rows * geometry.columns);
}
