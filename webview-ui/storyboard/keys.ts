// Keyboard commands of the storyboard grid, kept apart from the DOM so the mapping reads as a table.
import type { GridMove } from '../common/gridNavigation';

export type GridCommand =
  | { kind: 'move'; move: GridMove; extend: boolean }
  | { kind: 'open' }
  | { kind: 'reveal' }
  | { kind: 'toggle' }
  | { kind: 'selectAll' }
  | { kind: 'clear' }
  | { kind: 'menu' }
  | { kind: 'pick'; take: number }
  | { kind: 'circle' }
  | { kind: 'approve' }
  | { kind: 'changes' }
  | { kind: 'viewer' };

/** Review keys (no modifier): 1–9 pick a take on the card, C circles it, A approves, R asks for changes. */
const REVIEW: Record<string, GridCommand> = {
  c: { kind: 'circle' },
  a: { kind: 'approve' },
  r: { kind: 'changes' },
  v: { kind: 'viewer' },
};

const MOVES: Record<string, GridMove> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  PageUp: 'pageUp',
  PageDown: 'pageDown',
  Home: 'home',
  End: 'end',
};

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export function commandFor(e: KeyLike): GridCommand | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const move = MOVES[e.key];
  if (move && !e.altKey) return { kind: 'move', move, extend: e.shiftKey };
  if (e.key === 'Enter') return e.altKey || mod ? { kind: 'reveal' } : { kind: 'open' };
  if (e.key === ' ') return { kind: 'toggle' };
  if (mod && e.key.toLowerCase() === 'a') return { kind: 'selectAll' };
  if (e.key === 'Escape' || e.key === 'Delete') return { kind: 'clear' };
  if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) return { kind: 'menu' };
  if (mod || e.altKey || e.shiftKey) return undefined;
  if (/^[1-9]$/.test(e.key)) return { kind: 'pick', take: Number(e.key) };
  return REVIEW[e.key.toLowerCase()];
}
