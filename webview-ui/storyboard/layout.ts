// Card geometry for a viewport width and zoom level: the thumbnail keeps the project's aspect ratio,
// the text under it has a fixed height, so every row of the virtual grid has a known height.
import { type GridGeometry, geometryFor } from '../common/gridLayout';
import { ZOOM_WIDTHS } from './state';

export const GAP = 12;
export const PADDING = 12;
export const HEADER_HEIGHT = 40;
/** Id/model line plus two prompt lines; the smallest zoom shows the id line only. */
const INFO_HEIGHT = 66;
const COMPACT_INFO_HEIGHT = 30;

export interface CardGeometry {
  geometry: GridGeometry;
  thumbHeight: number;
  compact: boolean;
}

export function cardGeometry(width: number, zoom: number, aspect: number): CardGeometry {
  const compact = zoom === 0;
  const info = compact ? COMPACT_INFO_HEIGHT : INFO_HEIGHT;
  const geometry = geometryFor({
    width,
    minCellWidth: ZOOM_WIDTHS[zoom] ?? ZOOM_WIDTHS[2],
    gap: GAP,
    padding: PADDING,
    headerHeight: HEADER_HEIGHT,
    cellHeight: (w) => Math.round(w / aspect) + info,
  });
  return { geometry, thumbHeight: Math.round(geometry.cellWidth / aspect), compact };
}
