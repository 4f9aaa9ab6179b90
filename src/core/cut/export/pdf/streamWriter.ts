// A PDF written page by page, so a 10,000-shot board keeps only one page's images in memory. pdf-lib
// builds a whole document in memory and serialises it at the end; here each finished page (its leaf,
// content streams and image XObjects) is serialised to the file at once and dropped from the document,
// its offset kept for the cross-reference table. What must wait for the end — the page tree, the
// catalogue, the info dictionary and the font subsets (they depend on every glyph used) — is written by
// `finish()`, then the xref table and trailer. The file is a temp beside the target, renamed over it only
// when complete: a failed or canceled export leaves the previous file as it was.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  PDFArray,
  PDFCrossRefSection,
  type PDFDocument,
  PDFHeader,
  PDFName,
  type PDFObject,
  PDFPage,
  PDFRef,
  PDFTrailer,
  PDFTrailerDict,
} from 'pdf-lib';
import { renameWithRetry, tempNameFor } from '../../../util/atomicWrite';

const CHUNK = 1 << 20;

export class StreamingPdf {
  private offset = 0;
  private readonly offsets = new Map<number, number>();
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private closed = false;

  private constructor(
    readonly doc: PDFDocument,
    private readonly target: string,
    private readonly temp: string,
    private readonly handle: fs.FileHandle,
  ) {}

  /** Starts the file beside `target` (a path already checked by the caller). */
  static async create(doc: PDFDocument, target: string): Promise<StreamingPdf> {
    const temp = tempNameFor(target);
    const handle = await fs.open(temp, 'wx', 0o644);
    const pdf = new StreamingPdf(doc, target, temp, handle);
    const header = PDFHeader.forVersion(1, 7);
    const bytes = new Uint8Array(header.sizeInBytes() + 2);
    header.copyBytesInto(bytes, 0);
    bytes.set([10, 10], bytes.length - 2);
    await pdf.write(bytes);
    return pdf;
  }

  /** Bytes written so far (the file grows as pages are finished). */
  get bytesWritten(): number {
    return this.offset;
  }

  /**
   * A new last page. Not `doc.addPage`: that walks the page tree looking up every earlier page, and
   * those have been written and dropped already.
   */
  addPage(width: number, height: number): PDFPage {
    const page = PDFPage.create(this.doc);
    page.setSize(width, height);
    const treeRef = this.doc.catalog.get(PDFName.of('Pages')) as PDFRef;
    this.doc.catalog.Pages().pushLeafNode(page.ref);
    page.node.setParent(treeRef);
    return page;
  }

  /** Writes a finished page and everything only it uses, and forgets them. No drawing on it after this. */
  async finishPage(page: PDFPage, images: PDFRef[]): Promise<void> {
    const refs: PDFRef[] = [page.ref];
    const contents = page.node.get(PDFName.of('Contents'));
    if (contents instanceof PDFArray) {
      for (const c of contents.asArray()) if (c instanceof PDFRef) refs.push(c);
    } else if (contents instanceof PDFRef) refs.push(contents);
    refs.push(...images);
    for (const ref of refs) await this.writeObject(ref);
  }

  /** Embeds the fonts, writes every remaining object, the xref table and the trailer; renames into place. */
  async finish(): Promise<void> {
    await this.doc.flush();
    const context = this.doc.context;
    for (const [ref] of context.enumerateIndirectObjects()) await this.writeObject(ref);
    const xref = PDFCrossRefSection.create();
    for (const n of [...this.offsets.keys()].sort((a, b) => a - b))
      xref.addEntry(PDFRef.of(n), this.offsets.get(n)!);
    const xrefOffset = this.offset;
    const trailerDict = PDFTrailerDict.of(
      context.obj({
        Size: context.largestObjectNumber + 1,
        Root: context.trailerInfo.Root,
        Info: context.trailerInfo.Info,
      }),
    );
    const trailer = PDFTrailer.forLastCrossRefSectionOffset(xrefOffset);
    const tail = new Uint8Array(
      xref.sizeInBytes() + 1 + trailerDict.sizeInBytes() + 2 + trailer.sizeInBytes(),
    );
    let at = xref.copyBytesInto(tail, 0);
    tail[at++] = 10;
    at += trailerDict.copyBytesInto(tail, at);
    tail[at++] = 10;
    tail[at++] = 10;
    trailer.copyBytesInto(tail, at);
    await this.write(tail);
    await this.drain();
    await this.handle.sync();
    await this.handle.close();
    this.closed = true;
    await renameWithRetry(this.temp, this.target);
    const dir = await fs.open(path.dirname(this.target), 'r').catch(() => undefined);
    await dir?.sync().catch(() => undefined);
    await dir?.close().catch(() => undefined);
  }

  /** Drops the partial file (the target is untouched). */
  async abort(): Promise<void> {
    if (!this.closed) await this.handle.close().catch(() => undefined);
    this.closed = true;
    await fs.rm(this.temp, { force: true });
  }

  private async writeObject(ref: PDFRef): Promise<void> {
    const context = this.doc.context;
    const object = context.lookup(ref) as PDFObject | undefined;
    if (!object || this.offsets.has(ref.objectNumber)) return;
    const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
    const body = new Uint8Array(head.length + object.sizeInBytes() + 9);
    for (let i = 0; i < head.length; i++) body[i] = head.charCodeAt(i);
    const end = head.length + object.copyBytesInto(body, head.length);
    const tail = '\nendobj\n\n';
    for (let i = 0; i < tail.length; i++) body[end + i] = tail.charCodeAt(i);
    this.offsets.set(ref.objectNumber, this.offset);
    context.delete(ref);
    await this.write(body);
  }

  private async write(bytes: Uint8Array): Promise<void> {
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
    this.offset += bytes.length;
    if (this.bufferedBytes >= CHUNK) await this.drain();
  }

  private async drain(): Promise<void> {
    if (!this.buffered.length) return;
    const chunk = Buffer.concat(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    await this.handle.write(chunk);
  }
}
