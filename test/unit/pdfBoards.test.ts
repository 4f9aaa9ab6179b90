// PDF boards: parsed with pdf-lib (always), rendered with poppler's pdftoppm when it is installed (CI
// installs it and sets DAILIES_REQUIRE_POPPLER=1, so a missing pdftoppm fails there instead of skipping):
// a page shows each take's picture in its panel, a "not rendered" panel for a shot without one, the
// fonts embedded with the non-Latin text mapped, and pages written one at a time.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFRawStream,
  PDFRef,
} from 'pdf-lib';
import sharp from 'sharp';
import { exportCut } from '../../src/core/cut/export/exportCut';
import { embedBoardFonts } from '../../src/core/cut/export/pdf/fonts';
import { aspectOf, pageLayout, parseGrid } from '../../src/core/cut/export/pdf/layout';
import { StreamingPdf } from '../../src/core/cut/export/pdf/streamWriter';
import { cutProject } from '../helpers/media';
import { type TempProject, tempDir } from '../helpers/tempProject';

const run = promisify(execFile);
const projects: TempProject[] = [];
afterEach(async () => {
  while (projects.length) await projects.pop()!.cleanup();
});

const COLORS = ['#d02020', '#20b030', '#2040d0', '#e0c000', '#c020c0'];
const NON_LATIN = 'Café über Straße, mañana — Поезд уходит в полночь';

async function boardsProject(): Promise<TempProject> {
  const p = await cutProject(
    [
      ...COLORS.map((color, i) => ({ id: `s01-0${i + 1}0`, duration: 1 + i, color })),
      { id: 's01-060', duration: 2, color: false },
    ],
    { title: 'Поезд · Night Train' },
  );
  projects.push(p);
  const json = await p.json();
  json.shots[0]!.prompt = NON_LATIN;
  (json.shots[1] as unknown as Record<string, unknown>).review = {
    status: 'approved',
    notes: ['Lovely; keep it.'],
  };
  // Shot 3 gets a real WebP thumbnail, as rendered shots have.
  const thumb = 'renders/s01-030/s01-030_v1.thumb.webp';
  await sharp({ create: { width: 400, height: 225, channels: 3, background: COLORS[2]! } })
    .webp()
    .toFile(path.join(p.dir, thumb));
  json.shots[2]!.render!.outputs[0]!.thumb = thumb;
  await p.write(JSON.stringify(json, null, 2));
  return p;
}

function pdftoppm(): string | undefined {
  const probe = spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' });
  return probe.error ? undefined : 'pdftoppm';
}

describe('PDF boards', () => {
  it('parse with pdf-lib: cover + pages of 2×3 panels, landscape A4, fonts embedded with é, ß, ñ and Cyrillic mapped', async () => {
    const p = await boardsProject();
    const result = await exportCut(p.file, {
      format: 'pdf',
      boards: { now: new Date('2026-05-01T00:00:00Z') },
    });
    assert.equal(result.file, path.join(p.dir, 'night-train.pdf'));
    assert.equal(result.pages, 2);
    const doc = await PDFDocument.load(await fs.readFile(result.file));
    assert.equal(doc.getPageCount(), 2);
    const { width, height } = doc.getPage(1).getSize();
    assert.ok(width > height, 'landscape');
    assert.equal(Math.round(width), 842);
    assert.equal(doc.getTitle(), 'Поезд · Night Train — boards');
    // Every font is embedded (a FontFile2 stream), and its ToUnicode map covers the non-Latin letters.
    const mapped = new Set<number>();
    let embedded = 0;
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type')) !== PDFName.of('FontDescriptor')) continue;
      if (obj.get(PDFName.of('FontFile2')) instanceof PDFRef) embedded++;
    }
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      if (!(obj instanceof PDFDict) || !(obj.get(PDFName.of('ToUnicode')) instanceof PDFRef)) continue;
      const cmap = doc.context.lookup(obj.get(PDFName.of('ToUnicode')) as PDFRef) as PDFRawStream;
      const text = Buffer.from(decodePDFRawStream(cmap).decode()).toString('latin1');
      for (const m of text.matchAll(/<([0-9A-F]{4})>/g)) mapped.add(Number.parseInt(m[1]!, 16));
    }
    assert.equal(embedded, 2, 'regular and bold');
    for (const ch of 'éüßñПоездуходитвлчь')
      assert.ok(mapped.has(ch.codePointAt(0)!), `${ch} is in an embedded font`);
    // Page 2 draws five pictures (the sixth shot has none).
    const xobjects = doc.getPage(1).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    assert.equal(xobjects.keys().length, 5);
  });

  it('pdftoppm renders a page whose panels show the takes, and a "not rendered" panel', async (t) => {
    const tool = pdftoppm();
    if (!tool) {
      if (process.env.DAILIES_REQUIRE_POPPLER === '1')
        assert.fail('pdftoppm (poppler-utils) is required here but missing');
      t.skip('pdftoppm (Debian poppler-utils) is not installed: the rendering check is skipped');
      return;
    }
    const p = await boardsProject();
    const { file } = await exportCut(p.file, { format: 'pdf' });
    const dpi = 50;
    const prefix = path.join(p.dir, 'page');
    await run(tool, ['-png', '-r', String(dpi), '-f', '2', '-l', '2', file, prefix]);
    const png = path.join(
      p.dir,
      (await fs.readdir(p.dir)).find((f) => f.startsWith('page') && f.endsWith('.png'))!,
    );
    const outDir = path.join(__dirname, '..', '..', 'test-output');
    await fs.mkdir(outDir, { recursive: true });
    await fs.copyFile(png, path.join(outDir, 'boards-page.png'));
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const layout = pageLayout('a4', parseGrid('2x3'), aspectOf('16:9'));
    const scale = dpi / 72;
    const mean = (box: { x: number; y: number; width: number; height: number }) => {
      const c = [0, 0, 0];
      let n = 0;
      // The middle half of the picture (the circle the test images carry sits there: sample a band above it).
      for (
        let y = Math.round((box.y + box.height * 0.1) * scale);
        y < (box.y + box.height * 0.2) * scale;
        y++
      )
        for (
          let x = Math.round((box.x + box.width * 0.1) * scale);
          x < (box.x + box.width * 0.9) * scale;
          x++
        ) {
          const i = (y * info.width + x) * 3;
          for (let k = 0; k < 3; k++) c[k]! += data[i + k]!;
          n++;
        }
      return c.map((v) => v / n);
    };
    const hex = (h: string) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
    COLORS.forEach((color, i) => {
      const got = mean(layout.panels[i]!.picture);
      const want = hex(color);
      const off = Math.max(...got.map((v, k) => Math.abs(v - want[k]!)));
      assert.ok(off < 40, `panel ${i + 1} shows ${color} (got rgb ${got.map(Math.round).join(',')})`);
    });
    const slate = mean(layout.panels[5]!.picture);
    assert.ok(
      Math.max(...slate) < 60,
      `the sixth panel is the dark "not rendered" slate (${slate.map(Math.round)})`,
    );
  });

  it('pdftotext reads the cover totals (shots, running time, spend, review), page numbers and every panel field', async (t) => {
    const probe = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
    if (probe.error) {
      if (process.env.DAILIES_REQUIRE_POPPLER === '1')
        assert.fail('pdftotext (poppler-utils) is required here but missing');
      t.skip('pdftotext (Debian poppler-utils) is not installed: the text check is skipped');
      return;
    }
    const p = await boardsProject();
    const json = await p.json();
    const record = (i: number) => json.shots[i]!.render as unknown as Record<string, unknown>;
    record(0).costUsd = 0.25;
    record(2).costUsd = 0.5;
    (json.shots[4] as unknown as Record<string, unknown>).notes = 'Hold on the lamp.';
    await p.write(JSON.stringify(json, null, 2));
    const { file, pages } = await exportCut(p.file, {
      format: 'pdf',
      boards: { now: new Date('2026-03-04T12:00:00Z') },
    });
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const pageTexts = stdout.split('\f').filter((x) => x.trim());
    assert.equal(pageTexts.length, pages);
    for (const [i, text] of pageTexts.entries()) assert.match(text, new RegExp(`Page ${i + 1} of ${pages}`));
    const cover = pageTexts[0]!.replace(/ +/g, ' ');
    assert.match(cover, /Поезд · Night Train/);
    // 1+2+3+4+5+2 s = 17 s = 408 frames at 24 fps.
    assert.match(cover, /Shots 6 \(5 with a take, 1 not rendered\)/);
    assert.match(cover, /Running time 17 s · 00:00:17:00 \(408 frames at 24 fps\)/);
    assert.match(cover, /Spend \$0\.75 \(recorded render costs of 2 shots\)/);
    assert.match(cover, /1 approved · 0 changes requested · 5 pending/);
    const board = pageTexts[1]!.replace(/ +/g, ' ');
    for (const expected of [
      /s01-010 1 s · 24 fr/,
      /TC 00:00:00:00 – 00:00:01:00/,
      /TC 00:00:03:00 – 00:00:06:00/,
      /take 1 · approved/,
      /no take · pending/,
      /Café über Straße, mañana/,
      /Поезд уходит в полночь/,
      /Lovely; keep it\./,
      /Hold on the lamp\./,
    ])
      assert.match(board, expected);
  });

  it('writes page by page: the document holds one page of objects however many pages were written', async () => {
    const dir = tempDir('dailies-pdf-');
    try {
      const doc = await PDFDocument.create();
      const fonts = await embedBoardFonts(doc);
      const target = path.join(dir, 'b.pdf');
      const out = await StreamingPdf.create(doc, target);
      const jpeg = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#808080' } })
        .jpeg()
        .toBuffer();
      const held: number[] = [];
      for (let n = 0; n < 60; n++) {
        const page = out.addPage(842, 595);
        const ref = doc.context.register(
          doc.context.stream(jpeg, {
            Type: 'XObject',
            Subtype: 'Image',
            Width: 64,
            Height: 36,
            BitsPerComponent: 8,
            ColorSpace: 'DeviceRGB',
            Filter: 'DCTDecode',
          }),
        );
        page.drawText(`page ${n} д`, { x: 20, y: 20, size: 9, font: fonts.regular.pdf });
        page.drawRectangle({ x: 40, y: 40, width: 10, height: 10 });
        await out.finishPage(page, [ref]);
        held.push(doc.context.enumerateIndirectObjects().length);
      }
      assert.equal(held[59], held[0], `objects held after 1 page: ${held[0]}, after 60: ${held[59]}`);
      await out.finish();
      const back = await PDFDocument.load(await fs.readFile(target));
      assert.equal(back.getPageCount(), 60);
      const kids = back.catalog.Pages().Kids();
      assert.ok(kids instanceof PDFArray && kids.size() === 60);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a picture several panels share is embedded once, and every one of its panels shows it', async () => {
    // Eight shots, three distinct pictures (a held take, a reused still): three image objects, not eight.
    const colors = ['#d02020', '#d02020', '#20b030', '#d02020', '#2040d0', '#20b030', '#d02020', '#2040d0'];
    const p = await cutProject(colors.map((color, i) => ({ id: `s02-0${i + 1}0`, duration: 1, color })));
    projects.push(p);
    const result = await exportCut(p.file, { format: 'pdf' });
    assert.equal(result.pages, 3);
    const doc = await PDFDocument.load(await fs.readFile(result.file));
    const images = doc.context
      .enumerateIndirectObjects()
      .filter(([, o]) => (o as PDFRawStream).dict?.get(PDFName.of('Subtype')) === PDFName.of('Image'));
    assert.equal(images.length, 3, `image objects in the file: ${images.length}`);
    // Each panel page draws one image per panel, all of them among those three.
    const drawn: string[] = [];
    for (const page of doc.getPages().slice(1)) {
      const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'), PDFDict);
      const content = new TextDecoder().decode(
        decodePDFRawStream(page.node.lookup(PDFName.of('Contents')) as PDFRawStream).decode(),
      );
      for (const m of content.matchAll(/(\/\S+) Do/g)) {
        const ref = xobjects?.get(PDFName.of(m[1]!.slice(1)));
        assert.ok(ref instanceof PDFRef, `${m[1]} is an image of the page's resources`);
        drawn.push(ref.toString());
      }
    }
    assert.equal(drawn.length, 8);
    const first = new Map<string, string>();
    colors.forEach((c, i) => {
      if (!first.has(c)) first.set(c, drawn[i]!);
      assert.equal(drawn[i], first.get(c), `panel ${i + 1} shows the picture of its colour`);
    });
    assert.equal(new Set(drawn).size, 3);
  });

  it('a failed or canceled export leaves the previous file and no temp file', async () => {
    const p = await boardsProject();
    const { file } = await exportCut(p.file, { format: 'pdf' });
    const before = await fs.readFile(file);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(exportCut(p.file, { format: 'pdf', signal: controller.signal }), /Canceled/);
    assert.deepEqual(await fs.readFile(file), before);
    assert.deepEqual(
      (await fs.readdir(p.dir)).filter((f) => f.startsWith('.dailies-tmp-')),
      [],
    );
  });

  it('grids are checked; panels never overlap or leave the page, for tall and wide frames', () => {
    assert.deepEqual(parseGrid('3x2'), { rows: 3, cols: 2 });
    assert.deepEqual(parseGrid('2 × 3'), { rows: 2, cols: 3 });
    assert.throws(() => parseGrid('0x3'), /rows×columns from 1x1 to 6x6/);
    assert.throws(() => parseGrid('lots'), /e\.g\. 2x3/);
    for (const aspect of ['9:16', '1:1', '16:9', '2.39:1', '8:1'])
      for (const grid of ['1x1', '2x3', '6x6']) {
        const l = pageLayout('letter', parseGrid(grid), aspectOf(aspect));
        for (const [i, a] of l.panels.entries()) {
          assert.ok(a.picture.y + a.picture.height <= a.panel.y + a.panel.height + 1e-6);
          assert.ok(a.panel.x >= l.margin - 1e-6 && a.panel.x + a.panel.width <= l.width - l.margin + 1e-6);
          for (const b of l.panels.slice(i + 1))
            assert.ok(
              a.panel.x + a.panel.width <= b.panel.x + 1e-6 || a.panel.y + a.panel.height <= b.panel.y + 1e-6,
              `${grid} ${aspect}: panels overlap`,
            );
        }
      }
  });
});
