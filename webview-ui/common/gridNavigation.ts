// Arrow-key movement through a sectioned grid: left/right walk the flat order, up/down keep the
// column across header rows and short last rows (like a file manager's icon view).
import type { CellRow, GridLayout } from './gridLayout';

export type GridMove = 'left' | 'right' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

export function moveIndex(layout: GridLayout, from: number, move: GridMove, pageRows = 1): number {
  const last = layout.itemCount - 1;
  if (last < 0) return -1;
  const index = Math.min(Math.max(from, 0), last);
  switch (move) {
    case 'left':
      return Math.max(0, index - 1);
    case 'right':
      return Math.min(last, index + 1);
    case 'home':
      return 0;
    case 'end':
      return last;
    case 'up':
      return vertical(layout, index, -1, 1);
    case 'down':
      return vertical(layout, index, 1, 1);
    case 'pageUp':
      return vertical(layout, index, -1, Math.max(1, pageRows));
    case 'pageDown':
      return vertical(layout, index, 1, Math.max(1, pageRows));
  }
}

function vertical(layout: GridLayout, index: number, dir: 1 | -1, steps: number): number {
  const rowIndex = layout.rowOfItem[index]!;
  const row = layout.rows[rowIndex] as CellRow;
  const column = index - row.first;
  let target = row;
  let r = rowIndex;
  for (let moved = 0; moved < steps; ) {
    r += dir;
    const candidate = layout.rows[r];
    if (!candidate) break;
    if (candidate.kind === 'cells') {
      target = candidate;
      moved++;
    }
  }
  return target.first + Math.min(column, target.count - 1);
}
