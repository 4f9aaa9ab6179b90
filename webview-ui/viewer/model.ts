// Which images the stage shows for a shot and the viewer's state: every take of the current render, an
// A/B of two takes (the circled one against the picked one), or one take across two versions. Pure, so
// it is tested without a page.
import type { TakeImage, VersionInfo, ViewerShot } from '../../src/shared/viewerProtocol';

export type Mode = 'takes' | 'compare' | 'versions';
export type Layout = 'side' | 'wipe' | 'flip';

export interface ViewState {
  mode: Mode;
  layout: Layout;
  /** The take picked with 1–9 (or a click); what C circles. */
  picked: number;
  /** Versions compared in "versions" mode, by id (defaults: the one before the current, and the current). */
  versionA?: string;
  versionB?: string;
  /** Flip layout: showing B. */
  flipB: boolean;
}

export interface Pane {
  key: string;
  label: string;
  take: TakeImage;
  circled: boolean;
  picked: boolean;
}

export function initialState(shot: ViewerShot, mode: Mode = 'takes', layout: Layout = 'side'): ViewState {
  return { mode, layout, picked: shot.take, flipB: false };
}

/** Keeps a state valid for a (new or updated) shot: a picked take that no longer exists falls back. */
export function fitState(shot: ViewerShot, s: ViewState): ViewState {
  const picked = shot.takes.some((t) => t.variation === s.picked) ? s.picked : shot.take;
  const has = (id: string | undefined) => id !== undefined && shot.versions.some((v) => v.id === id);
  return {
    ...s,
    picked,
    versionA: has(s.versionA) ? s.versionA : undefined,
    versionB: has(s.versionB) ? s.versionB : undefined,
  };
}

export function panes(shot: ViewerShot, s: ViewState): Pane[] {
  const pane = (key: string, label: string, take: TakeImage, current: boolean): Pane => ({
    key,
    label,
    take,
    circled: current && shot.circled && take.variation === shot.take,
    picked: current && take.variation === s.picked,
  });
  const takeLabel = (t: TakeImage) =>
    `Take ${t.variation}${shot.circled && t.variation === shot.take ? ' · circled' : ''}`;
  if (s.mode === 'takes') return shot.takes.map((t) => pane(`t${t.variation}`, takeLabel(t), t, true));
  if (s.mode === 'compare') {
    const a = shot.takes.find((t) => t.variation === shot.take) ?? shot.takes[0];
    if (!a) return [];
    const b =
      shot.takes.find((t) => t.variation === s.picked && t.variation !== a.variation) ??
      shot.takes.find((t) => t.variation !== a.variation);
    return b
      ? [pane('a', `A · ${takeLabel(a)}`, a, true), pane('b', `B · ${takeLabel(b)}`, b, true)]
      : [pane('a', takeLabel(a), a, true)];
  }
  const [va, vb] = comparedVersions(shot, s);
  const out: Pane[] = [];
  for (const [slot, v] of [
    ['A', va],
    ['B', vb],
  ] as const) {
    if (!v) continue;
    const t = v.takes.find((x) => x.variation === s.picked) ?? v.takes[0];
    if (t)
      out.push(
        pane(
          `${slot}${v.id}`,
          `${slot} · v${v.n}${v.current ? ' (current)' : ''} · take ${t.variation}`,
          t,
          v.current,
        ),
      );
  }
  return out;
}

/** The two versions "versions" mode compares: the chosen ones, else the one before the current and it. */
export function comparedVersions(
  shot: ViewerShot,
  s: ViewState,
): [VersionInfo | undefined, VersionInfo | undefined] {
  const list = shot.versions;
  const byId = (id: string | undefined) => list.find((v) => v.id === id);
  const current = list.find((v) => v.current) ?? list[list.length - 1];
  const b = byId(s.versionB) ?? current;
  const before = list.filter((v) => v !== b);
  const a = byId(s.versionA) ?? [...before].reverse().find((v) => !b || v.n < b.n) ?? before[0];
  return [a !== b ? a : undefined, b];
}

/** What A and B are in a wipe or flip (the first two panes). */
export function abPair(all: Pane[]): [Pane | undefined, Pane | undefined] {
  return [all[0], all[1]];
}
