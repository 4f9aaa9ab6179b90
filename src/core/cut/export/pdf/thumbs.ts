// The picture of a panel: the take's WebP thumbnail (or its poster), else the still itself, converted by
// sharp to a small baseline JPEG that a PDF carries as is (DCTDecode). Read only inside the project (a
// thumbnail that is a link leading out is not read) and within the decode limits every Dailies read uses.

import { DECODE_LIMITS } from '../../../media/image';
import { sharp } from '../../../media/sharpSetup';
import type { ProjectPaths } from '../../../project/paths';
import { errorMessage } from '../../../util/errors';
import type { HandoffShot } from '../handoff';

export interface PanelJpeg {
  bytes: Buffer;
  width: number;
  height: number;
}

export type PanelPicture = { jpeg: PanelJpeg } | { missing: string };

/** Longest side of a panel's picture (px): ~130 dpi across a 2×3 panel; thumbnails are 400 px anyway. */
export const PANEL_PX = 400;

export async function panelPicture(shot: HandoffShot, paths: ProjectPaths): Promise<PanelPicture> {
  const media = shot.media;
  if (!media) return { missing: shot.slate ?? 'not rendered' };
  // A video take prints its poster frame (its thumbnail first): the boards never decode the clip.
  const still = media.kind === 'image' ? media.abs : media.poster;
  const source = media.thumb ?? still;
  if (!source) return { missing: `take ${shot.take} (${media.kind}) has no thumbnail yet` };
  try {
    const real = await paths.checkInside(
      source,
      source === media.abs ? media.rel : source === media.poster ? 'its poster' : 'its thumbnail',
    );
    const { data, info } = await sharp(real, DECODE_LIMITS)
      .rotate()
      .resize({ width: PANEL_PX, height: PANEL_PX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .jpeg({ quality: 80, progressive: false, chromaSubsampling: '4:2:0', optimiseCoding: false })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: { bytes: data, width: info.width, height: info.height } };
  } catch (err) {
    // A thumbnail that is gone or damaged: the still itself, if that is different and readable.
    if (media.thumb && source === media.thumb && still) {
      return panelPicture({ ...shot, media: { ...media, thumb: undefined } }, paths);
    }
    return { missing: `take ${shot.take}: ${errorMessage(err)}` };
  }
}
