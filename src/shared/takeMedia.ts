// What a take is, as every surface needs to know it: a still (an image and its thumbnail) or a video (a
// clip, its small H.264 review proxy, and a poster frame that stands in wherever an image is shown). A
// render record's output keeps `image` for both — the poster for a video — so code that only knows images
// keeps working; code that can play or hand off video asks here. No vscode, no DOM.

/** The fields of a render record's output that say what the take is (OutputRecord has them all). */
export interface TakeOutputLike {
  image: string;
  thumb?: string;
  video?: string;
  proxy?: string;
  seconds?: number;
}

export type TakeMedia =
  | { kind: 'image'; image: string; thumb?: string }
  | {
      kind: 'video';
      /** The clip as the provider made it (what exports link and the animatic cuts from). */
      video: string;
      /** ≤ 640 px H.264, no audio: what a webview plays. */
      proxy?: string;
      /** A still from the clip (the output's `image`). */
      poster: string;
      thumb?: string;
      seconds?: number;
    };

export function takeMedia(o: TakeOutputLike): TakeMedia {
  if (typeof o.video === 'string' && o.video !== '') {
    return {
      kind: 'video',
      video: o.video,
      proxy: o.proxy,
      poster: o.image,
      thumb: o.thumb,
      seconds: o.seconds,
    };
  }
  return { kind: 'image', image: o.image, thumb: o.thumb };
}

export function isVideoTake(o: TakeOutputLike): boolean {
  return takeMedia(o).kind === 'video';
}

/** The file that *is* the take, for hand-off (exports, "reveal", "open"): the clip of a video take. */
export function takeFile(o: TakeOutputLike): string {
  const m = takeMedia(o);
  return m.kind === 'video' ? m.video : m.image;
}

/** What a webview plays for a video take: the proxy (VS Code plays H.264 without AAC), else nothing. */
export function playableFile(o: TakeOutputLike): string | undefined {
  const m = takeMedia(o);
  return m.kind === 'video' ? m.proxy : undefined;
}
