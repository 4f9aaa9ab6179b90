// The take viewer's keyboard, as a table: dailies are driven from the keyboard, so every action has a
// key and the mapping is kept apart from the DOM (tested on its own).

export type ViewerCommand =
  | { kind: 'pick'; take: number }
  | { kind: 'circle' }
  | { kind: 'approve' }
  | { kind: 'changes' }
  | { kind: 'note' }
  | { kind: 'shot'; step: 1 | -1 }
  | { kind: 'mode'; mode: 'takes' | 'compare' | 'versions' }
  | { kind: 'layout'; layout: 'side' | 'wipe' | 'flip' }
  | { kind: 'flip' }
  | { kind: 'zoom'; by: number }
  | { kind: 'fit' }
  | { kind: 'actual' }
  | { kind: 'play' }
  | { kind: 'frame'; step: 1 | -1 };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const PLAIN: Record<string, ViewerCommand> = {
  c: { kind: 'circle' },
  a: { kind: 'approve' },
  r: { kind: 'changes' },
  n: { kind: 'note' },
  ArrowRight: { kind: 'shot', step: 1 },
  ArrowLeft: { kind: 'shot', step: -1 },
  t: { kind: 'mode', mode: 'takes' },
  x: { kind: 'mode', mode: 'compare' },
  v: { kind: 'mode', mode: 'versions' },
  s: { kind: 'layout', layout: 'side' },
  w: { kind: 'layout', layout: 'wipe' },
  f: { kind: 'flip' },
  '+': { kind: 'zoom', by: 1.25 },
  '=': { kind: 'zoom', by: 1.25 },
  '-': { kind: 'zoom', by: 0.8 },
  '0': { kind: 'fit' },
  z: { kind: 'actual' },
  ' ': { kind: 'play' },
  '.': { kind: 'frame', step: 1 },
  ',': { kind: 'frame', step: -1 },
};

/** The command for a key press, or undefined (the key is left to the page). */
export function commandFor(e: KeyLike): ViewerCommand | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  if (/^[1-9]$/.test(e.key)) return { kind: 'pick', take: Number(e.key) };
  return PLAIN[e.key.length === 1 ? e.key.toLowerCase() : e.key];
}

export const KEY_HINTS: readonly [string, string][] = [
  ['1–9', 'pick a take'],
  ['C', 'circle'],
  ['A', 'approve'],
  ['R', 'request changes'],
  ['N', 'note'],
  ['← →', 'shot'],
  ['T / X / V', 'takes · A/B · versions'],
  ['S / W / F', 'side · wipe · flip'],
  ['+ − 0 Z', 'zoom · fit · 100%'],
  ['Space , .', 'play · frame step (video)'],
];
