// PDF boards: a cover (title, totals: shots, running time, spend, review counts, scenes) and N panels a
// page (2×3 landscape by default), each with the circled take, shot id, scene, duration, timecode in/out,
// take, review status and the prompt and notes; page numbers on every page. A shot without a take gets a
// "not rendered" panel; a duration that cannot be cut says so where the timecode would be. Written page
// by page (see streamWriter.ts): memory holds the current page's pictures and the next page's, not all.
import { degrees, drawImage, PDFDocument, type PDFRef, rgb } from 'pdf-lib';
import type { ProjectPaths } from '../../../project/paths';
import { canceled } from '../../../util/errors';
import type { HandoffCut, HandoffShot } from '../handoff';
import { tc } from '../rate';
import { drawCover } from './cover';
import { fpsLabel, GREY, Painter, rect, STATUS_COLOR, text } from './draw';
import { embedBoardFonts } from './fonts';
import { aspectOf, type Grid, type PageLayout, type Paper, pageLayout, TEXT_LEADING } from './layout';
import { StreamingPdf } from './streamWriter';
import { type PanelPicture, panelPicture } from './thumbs';

export interface BoardOptions {
  paper: Paper;
  grid: Grid;
  signal?: AbortSignal;
  /** Pages written so far, of all pages. */
  onProgress?: (pages: number, total: number) => void;
  /** The date printed on the pages. */
  now?: Date;
}

export const DEFAULT_BOARDS = { paper: 'a4' as Paper, grid: { rows: 2, cols: 3 } };

function pageFrame(
  p: Painter,
  layout: PageLayout,
  cut: HandoffCut,
  page: number,
  pages: number,
  date: string,
) {
  const { header, footer } = layout;
  text(p, cut.title, header.x, header.y + 2, 11, { bold: true, maxWidth: header.width * 0.6 });
  text(p, `Boards · ${fpsLabel(cut)} fps`, header.x + header.width, header.y + 4, 8, {
    color: GREY,
    align: 'right',
  });
  text(p, `Dailies · ${date}`, footer.x, footer.y + 6, 7.5, { color: GREY });
  text(p, `Page ${page} of ${pages}`, footer.x + footer.width, footer.y + 6, 7.5, { align: 'right' });
}

function drawPanel(
  p: Painter,
  box: PageLayout['panels'][number],
  shot: HandoffShot,
  picture: PanelPicture,
  cut: HandoffCut,
  image: PDFRef | undefined,
): void {
  const pic = box.picture;
  rect(p, pic, rgb(0.12, 0.12, 0.14));
  if (image && 'jpeg' in picture) {
    const { width, height } = picture.jpeg;
    const scale = Math.min(pic.width / width, pic.height / height);
    const w = width * scale;
    const h = height * scale;
    const name = p.page.node.newXObject('Im', image);
    p.ops.push(
      ...drawImage(name, {
        x: pic.x + (pic.width - w) / 2,
        y: p.height - pic.y - (pic.height + h) / 2,
        width: w,
        height: h,
        rotate: degrees(0),
        xSkew: degrees(0),
        ySkew: degrees(0),
      }),
    );
  } else {
    const why = 'missing' in picture ? picture.missing : 'not rendered';
    const label = shot.take === undefined ? 'NOT RENDERED' : 'NO PICTURE';
    const f = p.fonts.bold;
    const size = Math.min(14, pic.width / 12);
    text(p, label, pic.x + (pic.width - f.width(label, size)) / 2, pic.y + pic.height / 2 - size, size, {
      bold: true,
      color: rgb(0.85, 0.85, 0.87),
    });
    text(p, why, pic.x + 6, pic.y + pic.height / 2 + 4, 7, {
      color: rgb(0.7, 0.7, 0.72),
      maxWidth: pic.width - 12,
    });
  }
  const t = box.text;
  const w = t.width;
  let top = t.y;
  const line = () => {
    top += TEXT_LEADING;
  };
  const seconds = `${Number(s2(shot.seconds))} s`;
  text(p, shot.id, t.x, top, 8.5, { bold: true, maxWidth: w * 0.6 });
  text(p, shot.frames ? `${seconds} · ${shot.frames} fr` : seconds, t.x + w, top, 7.5, { align: 'right' });
  line();
  if (shot.sceneTitle) {
    text(p, shot.sceneTitle, t.x, top, 7.5, { color: GREY, maxWidth: w });
    line();
  }
  if (shot.frames > 0) {
    text(
      p,
      `TC ${tc(shot.startFrame, cut.rate)} – ${tc(shot.startFrame + shot.frames, cut.rate)}`,
      t.x,
      top,
      7.5,
    );
  } else {
    text(p, `not in the cut: ${shot.durationProblem ?? 'no duration'}`, t.x, top, 7.5, {
      color: rgb(0.75, 0.1, 0.1),
      maxWidth: w,
    });
  }
  line();
  const status = shot.review.unknownStatus ?? shot.review.status.replace('-', ' ');
  const take = shot.take === undefined ? 'no take' : `take ${shot.take}`;
  text(p, `${take} · `, t.x, top, 7.5);
  const f = p.fonts.regular;
  text(p, status, t.x + f.width(f.clean(`${take} · `), 7.5), top, 7.5, {
    bold: true,
    color: STATUS_COLOR[shot.review.status],
  });
  line();
  const room = Math.max(0, Math.floor((t.y + t.height - top) / TEXT_LEADING));
  const notes = [
    ...shot.review.notes.map((n) => (n.author ? `${n.author}: ${n.text}` : n.text)),
    ...(shot.notes ? [shot.notes] : []),
  ];
  const noteLines = notes.length ? Math.min(room - 1, Math.max(1, Math.floor(room / 3))) : 0;
  const prompt = f.wrap(f.clean(shot.prompt), 7, w, room - noteLines);
  for (const l of prompt) {
    text(p, l, t.x, top, 7);
    line();
  }
  if (noteLines > 0) {
    const b = p.fonts.regular;
    for (const l of b.wrap(b.clean(`Notes: ${notes.join(' · ')}`), 7, w, noteLines)) {
      text(p, l, t.x, top, 7, { color: rgb(0.55, 0.25, 0) });
      line();
    }
  }
}

const s2 = (n: number) => n.toFixed(3).replace(/\.?0+$/, '');

/** Writes the boards to `target` (a checked path); the file appears only when complete. */
export async function writeBoards(
  cut: HandoffCut,
  paths: ProjectPaths,
  target: string,
  options: BoardOptions,
): Promise<{ pages: number; bytes: number }> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${cut.title} — boards`);
  doc.setCreator('Dailies');
  doc.setProducer('Dailies (pdf-lib)');
  const fonts = await embedBoardFonts(doc);
  const layout = pageLayout(options.paper, options.grid, aspectOf(cut.aspectRatio));
  const perPage = layout.panels.length;
  const pages = 1 + Math.ceil(cut.shots.length / perPage);
  const date = (options.now ?? new Date()).toISOString().slice(0, 10);
  const out = await StreamingPdf.create(doc, target);
  let next: Promise<PanelPicture[]> | undefined;
  try {
    const cover = out.addPage(layout.width, layout.height);
    const cp = new Painter(cover, fonts, layout.height);
    drawCover(cp, layout, cut, date);
    pageFrame(cp, layout, cut, 1, pages, date);
    cp.flush();
    await out.finishPage(cover, []);
    options.onProgress?.(1, pages);
    const pictures = (n: number) =>
      Promise.all(cut.shots.slice(n * perPage, (n + 1) * perPage).map((s) => panelPicture(s, paths)));
    next = cut.shots.length ? pictures(0) : undefined;
    for (let n = 0; n * perPage < cut.shots.length; n++) {
      if (options.signal?.aborted) throw canceled();
      const current = await next!;
      // Convert the next page's pictures while this one is drawn and written.
      next = (n + 1) * perPage < cut.shots.length ? pictures(n + 1) : undefined;
      const page = out.addPage(layout.width, layout.height);
      const painter = new Painter(page, fonts, layout.height);
      const images: PDFRef[] = [];
      current.forEach((picture, i) => {
        const shot = cut.shots[n * perPage + i]!;
        let ref: PDFRef | undefined;
        if ('jpeg' in picture) {
          ref = doc.context.register(
            doc.context.stream(picture.jpeg.bytes, {
              Type: 'XObject',
              Subtype: 'Image',
              Width: picture.jpeg.width,
              Height: picture.jpeg.height,
              BitsPerComponent: 8,
              ColorSpace: 'DeviceRGB',
              Filter: 'DCTDecode',
            }),
          );
          images.push(ref);
        }
        drawPanel(painter, layout.panels[i]!, shot, picture, cut, ref);
      });
      pageFrame(painter, layout, cut, n + 2, pages, date);
      painter.flush();
      await out.finishPage(page, images);
      options.onProgress?.(n + 2, pages);
    }
    await next?.catch(() => undefined);
    await out.finish();
    return { pages, bytes: out.bytesWritten };
  } catch (err) {
    next?.catch(() => undefined);
    await out.abort();
    throw err;
  }
}
