// The dimmed copy of a thumbnail that a stale shot's tree row shows (no vscode here: tested in node).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sharp } from '../../core/media/sharpSetup';

/** Box of the icon (a tree row shows 16 px; 48 keeps it sharp on high-density screens). */
export const DIMMED_SIZE = 48;
export const DIMMED_OPACITY = 0.45;

/** Writes `thumb`, shrunk and 45 % opaque, as a WebP at `target` (atomically: a reader never sees half). */
export async function writeDimmed(thumb: string, target: string): Promise<void> {
  const bytes = await sharp(thumb)
    .resize({ width: DIMMED_SIZE, height: DIMMED_SIZE, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .ensureAlpha(DIMMED_OPACITY)
    .webp({ quality: 80, alphaQuality: 100 })
    .toBuffer();
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(temp, bytes);
  await fs.rename(temp, target);
}
