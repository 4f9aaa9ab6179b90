// The storyboard's persisted UI state, read defensively: any field of the wrong type falls back.
import { STORYBOARD_STATE_VERSION, type StoryboardState } from '../../src/shared/protocol';
import { numberOr, oneOf, stringArray, stringOr } from '../common/guards';
import { ALL } from './view';

export const ZOOM_WIDTHS = [112, 150, 200, 260, 340, 440] as const;
export const DEFAULT_ZOOM = 2;

export const DEFAULT_STATE: StoryboardState = {
  v: STORYBOARD_STATE_VERSION,
  scrollTop: 0,
  zoom: DEFAULT_ZOOM,
  scene: ALL,
  status: ALL,
  text: '',
  sort: 'order',
  selected: [],
  review: ALL,
};

export function readState(raw: Record<string, unknown>, d: StoryboardState): StoryboardState {
  return {
    v: STORYBOARD_STATE_VERSION,
    scrollTop: Math.max(0, numberOr(raw['scrollTop'], d.scrollTop)),
    zoom: clampZoom(numberOr(raw['zoom'], d.zoom)),
    scene: stringOr(raw['scene'], d.scene),
    status: stringOr(raw['status'], d.status),
    text: stringOr(raw['text'], d.text),
    sort: oneOf(raw['sort'], ['order', 'status', 'scene', 'id'], d.sort),
    selected: stringArray(raw['selected']),
    review: stringOr(raw['review'], ALL),
  };
}

export function clampZoom(zoom: number): number {
  return Math.min(ZOOM_WIDTHS.length - 1, Math.max(0, Math.round(zoom)));
}
