// The ffmpeg command line of one segment. Every segment of every cut is encoded with the same settings,
// so segments join with `-c copy`: H.264 High, yuv420p, no B-frames (no composition offsets or edit
// lists to break the join), a fixed timescale of fps × 1000 (every frame lands on an exact tick).
// Bump ENCODER_VERSION whenever anything here changes what a segment looks like: it is part of every
// segment's cache key.
export const ENCODER_VERSION = 1;

export function encoderArgs(fps: number, threads: number): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'stillimage',
    '-crf',
    '20',
    '-profile:v',
    'high',
    '-pix_fmt',
    'yuv420p',
    '-bf',
    '0',
    '-g',
    String(fps * 2),
    // The thread count does not change the stream's parameters (checked: identical avcC), only speed.
    '-threads',
    String(Math.max(1, threads)),
    '-video_track_timescale',
    String(fps * 1000),
    '-an',
    '-sn',
    '-map_metadata',
    '-1',
    '-movflags',
    '+faststart',
  ];
}

/**
 * One option value inside a filter description: `\`, `'` and `:` are escaped (ffmpeg-filters, "Notes on
 * filtergraph escaping", first level).
 */
export function optionValue(value: string): string {
  return value.replace(/[\\':]/g, (c) => `\\${c}`);
}

/** A filter's option list inside a filtergraph: the second level escapes `\ ' [ ] , ;`. */
export function filterArgs(options: Record<string, string | number>): string {
  const joined = Object.entries(options)
    .map(([k, v]) => `${k}=${optionValue(String(v))}`)
    .join(':');
  return joined.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

export function filter(name: string, options: Record<string, string | number> = {}): string {
  const args = filterArgs(options);
  return args ? `${name}=${args}` : name;
}

export interface TextLayer {
  /** A UTF-8 file holding the text (never inline: no escaping of user text, no `%{}` expansion). */
  textfile: string;
  fontfile: string;
  fontsize: number;
  x: string;
  y: string;
  /** Shown only between these seconds of the segment. */
  between?: [number, number];
  box?: boolean;
}

export function drawText(t: TextLayer): string {
  return filter('drawtext', {
    fontfile: t.fontfile,
    textfile: t.textfile,
    expansion: 'none',
    fontcolor: 'white',
    fontsize: t.fontsize,
    line_spacing: Math.round(t.fontsize * 0.25),
    x: t.x,
    y: t.y,
    ...(t.box ? { box: 1, boxcolor: 'black@0.55', boxborderw: Math.round(t.fontsize * 0.35) } : {}),
    ...(t.between ? { enable: `between(t,${t.between[0].toFixed(3)},${t.between[1].toFixed(3)})` } : {}),
  });
}

/** A running timecode that starts at the shot's record time (`HH:MM:SS:FF`). */
export function drawTimecode(
  fontfile: string,
  start: string,
  fps: number,
  fontsize: number,
  margin: number,
): string {
  // DejaVu Sans digits are 0.636 em and colons 0.337 em: "00:00:00:00" is 6.1 em wide.
  return filter('drawtext', {
    fontfile,
    timecode: start,
    rate: fps,
    fontcolor: 'white',
    fontsize,
    x: `w-${Math.ceil(fontsize * 6.3) + margin}`,
    y: String(margin),
    box: 1,
    boxcolor: 'black@0.55',
    boxborderw: Math.round(fontsize * 0.35),
  });
}

/** A slow push-in from the whole frame to `zoom` over the segment, centred; input is twice the size. */
export function pushIn(frames: number, width: number, height: number, fps: number, zoom = 1.08): string {
  const last = Math.max(1, frames - 1);
  return filter('zoompan', {
    z: `1+${(zoom - 1).toFixed(4)}*on/${last}`,
    x: 'iw/2-(iw/zoom/2)',
    y: 'ih/2-(ih/zoom/2)',
    d: frames,
    s: `${width}x${height}`,
    fps,
  });
}
