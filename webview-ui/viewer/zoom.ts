// One zoom and pan for every pane: the image point at the centre of each frame and the scale over the
// "fit" size are shared, so two takes (or two versions) stay aligned pixel for pixel however large their
// frames are. Wheel zooms at the pointer, a drag pans, a double-click toggles fit and 100%.

export interface View {
  /** Scale over the image's fitted size (1 = the whole image fits the frame). */
  scale: number;
  /** The image point (0..1 of its width and height) at the centre of the frame. */
  cx: number;
  cy: number;
}

export const FIT: View = { scale: 1, cx: 0.5, cy: 0.5 };
const MAX_SCALE = 32;

export interface Box {
  width: number;
  height: number;
}

/** The image's size when it fits inside the frame (contain). */
export function fitted(frame: Box, image: Box): Box {
  if (!image.width || !image.height || !frame.width || !frame.height)
    return { width: frame.width, height: frame.height };
  const r = Math.min(frame.width / image.width, frame.height / image.height);
  return { width: image.width * r, height: image.height * r };
}

/** Where the image sits in its frame for a view: left/top/width/height in CSS pixels. */
export function placement(
  frame: Box,
  image: Box,
  view: View,
): { left: number; top: number; width: number; height: number } {
  const fit = fitted(frame, image);
  const width = fit.width * view.scale;
  const height = fit.height * view.scale;
  return { left: frame.width / 2 - view.cx * width, top: frame.height / 2 - view.cy * height, width, height };
}

/** Zooms by `factor` keeping the image point under (px, py) of the frame where it is. */
export function zoomAt(view: View, factor: number, frame: Box, image: Box, px: number, py: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(1, view.scale * factor));
  const at = placement(frame, image, view);
  const u = (px - at.left) / at.width;
  const v = (py - at.top) / at.height;
  const fit = fitted(frame, image);
  const width = fit.width * scale;
  const height = fit.height * scale;
  return clampView({
    scale,
    cx: (frame.width / 2 - (px - u * width)) / width,
    cy: (frame.height / 2 - (py - v * height)) / height,
  });
}

/** Moves the image by (dx, dy) CSS pixels. */
export function panBy(view: View, dx: number, dy: number, frame: Box, image: Box): View {
  const fit = fitted(frame, image);
  return clampView({
    ...view,
    cx: view.cx - dx / (fit.width * view.scale),
    cy: view.cy - dy / (fit.height * view.scale),
  });
}

/** 100%: one image pixel per CSS pixel, centred where the view is. */
export function actualSize(view: View, frame: Box, image: Box): View {
  const fit = fitted(frame, image);
  return clampView({ ...view, scale: fit.width ? image.width / fit.width : 1 });
}

/** The centre stays on the image (a pan cannot lose it off the frame). */
export function clampView(v: View): View {
  if (v.scale <= 1) return FIT;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  return { scale: v.scale, cx: clamp(v.cx), cy: clamp(v.cy) };
}
