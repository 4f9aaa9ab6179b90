// Reads a CMX 3600 EDL: picture events (channel V, or a combination with V) in record order, each with
// its clip name (`* FROM CLIP NAME:`) and media (`* FROM CLIP:`, `* FROM FILE:`, `* SOURCE FILE:`), its
// length from the record timecodes. An EDL carries no rate: the caller gives it (the project's fps).
import { DailiesError } from '../../util/errors';
import { framesOfTimecode, rateOf } from './rate';
import type { EditorialClip, EditorialCut } from './readCut';

const PICTURE = /^(V|B|AA\/V|A2\/V|A1\/V|V\d*)$/i;

export function readEdl(text: string, fps: number): EditorialCut {
  const rate = rateOf(fps);
  const cut: EditorialCut = { format: 'edl', clips: [], skipped: [] };
  let current: EditorialClip | undefined;
  let events = 0;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('TITLE:')) {
      cut.name = line.slice(6).trim();
      continue;
    }
    if (/^\d+\s/.test(line)) {
      events++;
      const f = line.split(/\s+/);
      if (f.length !== 8 && f.length !== 9)
        throw new DailiesError('validation', `EDL event ${f[0]} has ${f.length} fields, expected 8 or 9`);
      current = undefined;
      const channel = f[2]!;
      const [recIn, recOut] = [f[f.length - 2]!, f[f.length - 1]!].map((t) => framesOfTimecode(t, rate));
      if (recIn === undefined || recOut === undefined)
        throw new DailiesError('validation', `EDL event ${f[0]}: bad record timecode`);
      if (!PICTURE.test(channel) || recOut <= recIn) continue; // sound, or the cut half of a dissolve
      current = { name: '', frames: recOut - recIn, rate: rate.fps, start: recIn };
      if (f[1] !== 'BL' && f[1] !== 'BLACK') current.name = f[1]!;
      cut.clips.push(current);
      continue;
    }
    if (!current) continue;
    const comment = /^\*\s*(FROM CLIP NAME|TO CLIP NAME|FROM CLIP|FROM FILE|SOURCE FILE)\s*:\s*(.*)$/i.exec(
      line,
    );
    if (!comment) continue;
    const key = comment[1]!.toUpperCase();
    if (key === 'FROM CLIP NAME' || key === 'TO CLIP NAME') current.name = comment[2]!.trim();
    else current.media = comment[2]!.trim();
  }
  if (!events) throw new DailiesError('validation', 'no events in the EDL');
  cut.clips.sort((a, b) => a.start - b.start);
  return cut;
}
