// Reads an FCP 7 XML (xmeml) sequence as Premiere, Resolve or Final Cut Pro 7 write it: the first video
// track's clipitems (and generator items: slugs keep a shot's place), by their <start>/<end> on the
// sequence at its <rate>. A <file> given once and referred to by id later is resolved.
import { DailiesError } from '../../util/errors';
import type { EditorialClip, EditorialCut } from './readCut';
import { child, childText, parseXml, type XmlElement } from './xml';

function rateOf(el: XmlElement | undefined): number | undefined {
  const r = child(el, 'rate');
  const base = Number(childText(r, 'timebase'));
  if (!Number.isFinite(base) || base <= 0) return undefined;
  return childText(r, 'ntsc')?.toUpperCase() === 'TRUE' ? (base * 1000) / 1001 : base;
}

function findSequence(el: XmlElement, depth: number): XmlElement | undefined {
  if (depth > 6) return undefined;
  for (const c of el.children) {
    if (c.name === 'sequence') return c;
    if (c.name === 'project' || c.name === 'children' || c.name === 'bin') {
      const s = findSequence(c, depth + 1);
      if (s) return s;
    }
  }
  return undefined;
}

export function readFcpXml(text: string): EditorialCut {
  const root = parseXml(text);
  if (root.name !== 'xmeml')
    throw new DailiesError('validation', `not an FCP 7 XML file (root <${root.name}>, expected <xmeml>)`);
  const sequence = findSequence(root, 0);
  if (!sequence) throw new DailiesError('validation', 'the XML has no <sequence>');
  const seqRate = rateOf(sequence) ?? 24;
  const track = child(child(child(sequence, 'media'), 'video'), 'track');
  const cut: EditorialCut = { format: 'fcpxml', name: childText(sequence, 'name'), clips: [], skipped: [] };
  if (!track) return cut;
  const files = new Map<string, XmlElement>();
  for (const item of track.children) {
    if (item.name !== 'clipitem' && item.name !== 'generatoritem') continue;
    const name = childText(item, 'name') ?? '';
    if (childText(item, 'enabled')?.toUpperCase() === 'FALSE') {
      cut.skipped.push(`clip "${name}" is disabled`);
      continue;
    }
    let file = child(item, 'file');
    const id = file?.attrs['id'];
    if (file && id) {
      if (file.children.length) files.set(id, file);
      else file = files.get(id) ?? file;
    }
    if (child(item, 'sequence')) {
      cut.skipped.push(`nested sequence "${name}" (not read)`);
      continue;
    }
    const start = Number(childText(item, 'start'));
    const end = Number(childText(item, 'end'));
    const inF = Number(childText(item, 'in'));
    const outF = Number(childText(item, 'out'));
    const rate = rateOf(item) ?? seqRate;
    // -1 marks an edge inside a transition: the source in/out still give the length.
    const frames = start >= 0 && end >= 0 ? end - start : outF - inF;
    if (!Number.isFinite(frames) || frames <= 0) {
      cut.skipped.push(`clip "${name}" has no length`);
      continue;
    }
    const clip: EditorialClip = {
      name,
      frames: (frames / seqRate) * rate,
      rate,
      start: Number.isFinite(start) && start >= 0 ? start : Number.NaN,
      media: childText(file, 'pathurl'),
    };
    cut.clips.push(clip);
  }
  // Items whose start is an edge inside a transition follow the previous one.
  let last = 0;
  for (const c of cut.clips) {
    if (Number.isNaN(c.start)) c.start = last;
    last = c.start + c.frames;
  }
  cut.clips.sort((a, b) => a.start - b.start);
  return cut;
}
