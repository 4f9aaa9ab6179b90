// PDF boards: a cover (title, totals: shots, running time, spend, review counts, scenes) and N panels a
// page (2×3 landscape by default), each with the circled take, shot id, scene, duration, timecode in/out,
// take, review status and the prompt and notes; page numbers on every page. A shot without a take gets a
// "not rendered" panel; a duration that cannot be cut says so where the timecode would be. Written page
// by page (see streamWriter.ts): memory holds the pictures of a short window of panels, not all. Pictures
// are converted a few at a time ahead of the page being drawn (sharp works on libuv's threads while the
// main thread lays out and writes pages), and a picture several panels share is embedded once.
import { PDFDocument, type PDFRef, rgb } from 'pdf-lib';
import type { ProjectPaths } from '../../../project/paths';
import { canceled } from '../../../util/errors';
import type { HandoffCut, HandoffShot } from '../handoff';
import { tc } from '../rate';
import { drawCover } from './cover';
import { fpsLabel, GREY, Painter, rect, STATUS_COLOR, text } from './draw';
import { embedBoardFonts } from './fonts';
import { aspectOf, type Grid, type PageLayout, type Paper, pageLayout, TEXT_LEADING } from './layout';
import { StreamingPdf } from './streamWriter';
import { type PanelPicture, panelPicture, panelPx } from './thumbs';

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
  image: Embedded | undefined,
): void {
  const pic = box.picture;
  rect(p, pic, rgb(0.12, 0.12, 0.14));
  if (image) {
    const { width, height } = image;
    const scale = Math.min(pic.width / width, pic.height / height);
    const w = width * scale;
    const h = height * scale;
    p.image(image.ref, pic.x + (pic.width - w) / 2, p.height - pic.y - (pic.height + h) / 2, w, h);
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

interface Embedded {
  ref: PDFRef;
  width: number;
  height: number;
}

/** Pictures converting ahead of the page being drawn: enough to keep sharp busy, few enough to stay small. */
const AHEAD = 12;

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
  try {
    const cover = out.addPage(layout.width, layout.height);
    const cp = new Painter(cover, fonts, layout.height);
    drawCover(cp, layout, cut, date);
    pageFrame(cp, layout, cut, 1, pages, date);
    cp.flush();
    await out.finishPage(cover, []);
    options.onProgress?.(1, pages);
    // Each distinct picture (by content) is embedded once; later panels refer to the same object.
    const embedded = new Map<string, Embedded>();
    const pictureOptions = {
      px: panelPx(Math.max(layout.panels[0]?.picture.width ?? 0, layout.panels[0]?.picture.height ?? 0)),
      known: (key: string) => embedded.has(key),
    };
    const converting = new Map<number, Promise<PanelPicture>>();
    let started = 0;
    const startUpTo = (end: number) => {
      for (; started < Math.min(end, cut.shots.length); started++) {
        const p = panelPicture(cut.shots[started]!, paths, pictureOptions);
        p.catch(() => undefined); // awaited in order below; a failure then is the export's
        converting.set(started, p);
      }
    };
    for (let n = 0; n * perPage < cut.shots.length; n++) {
      if (options.signal?.aborted) throw canceled();
      const first = n * perPage;
      const last = Math.min(cut.shots.length, first + perPage);
      startUpTo(last + AHEAD);
      const page = out.addPage(layout.width, layout.height);
      const painter = new Painter(page, fonts, layout.height);
      const images: PDFRef[] = [];
      for (let i = first; i < last; i++) {
        const picture = await converting.get(i)!;
        converting.delete(i);
        let image: Embedded | undefined;
        if ('reuse' in picture) image = embedded.get(picture.reuse);
        else if ('jpeg' in picture) {
          image = embedded.get(picture.key);
          if (!image) {
            const { bytes, width, height } = picture.jpeg;
            const ref = doc.context.register(
              doc.context.stream(bytes, {
                Type: 'XObject',
                Subtype: 'Image',
                Width: width,
                Height: height,
                BitsPerComponent: 8,
                ColorSpace: 'DeviceRGB',
                Filter: 'DCTDecode',
              }),
            );
            image = { ref, width, height };
            embedded.set(picture.key, image);
            images.push(ref);
          }
        }
        drawPanel(painter, layout.panels[i - first]!, cut.shots[i]!, picture, cut, image);
      }
      pageFrame(painter, layout, cut, n + 2, pages, date);
      painter.flush();
      await out.finishPage(page, images);
      options.onProgress?.(n + 2, pages);
    }
    await out.finish();
    return { pages, bytes: out.bytesWritten };
  } catch (err) {
    await out.abort();
    throw err;
  }
}
