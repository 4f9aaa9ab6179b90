// The body of scripts/check-exports: renders a copy of the example offline (draft provider), gives it the
// cases a hand-off must survive (a shot not rendered, a circled take 2, a take file whose name has
// spaces, `&`, `#`, `<` and accents, review notes, dialogue with a scratch-voice MP3 made by ffmpeg),
// exports OTIO, FCP 7 XML and CMX 3600 at 24 and 23.976 fps, reads each back with the official
// OpenTimelineIO library, and compares what it read with what project.json says — computed here from the
// JSON itself, not from the exporter's own model. Then imports each export back (no change expected).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveConfig } from '../src/core/config';
import { exportCut } from '../src/core/cut/export/exportCut';
import { importCut } from '../src/core/cut/export/importCut';
import { locateFfmpeg } from '../src/core/cut/ffmpeg';
import { DraftProvider } from '../src/core/providers/draft';
import { RenderEngine } from '../src/core/render/engine';

const run = promisify(execFile);
const otioRead = process.argv[2]!;

interface ReadClip {
  name: string;
  start: number;
  duration: number;
  rate: number;
  media: { type: string; url: string | null };
}
interface ReadTimeline {
  name: string;
  tracks: { kind: string; name: string; clips: ReadClip[]; gaps: number }[];
}

interface Shot {
  id: string;
  duration?: number;
  take?: number;
  dialogue?: { speaker: string; text: string }[];
  review?: unknown;
  render?: { outputs: { variation: number; image: string; video?: string }[] };
}

const failures: string[] = [];
const fail = (what: string) => {
  failures.push(what);
  console.error(`  ✗ ${what}`);
};

/**
 * The circled take's file as project.json states it (`take` if rendered, else variation 1, else the
 * lowest): a video take's clip, a still's image.
 */
function expectedMedia(root: string, shot: Shot): string | null {
  const outs = shot.render?.outputs ?? [];
  if (!outs.length) return null;
  const o =
    outs.find((x) => x.variation === shot.take) ??
    outs.find((x) => x.variation === 1) ??
    [...outs].sort((a, b) => a.variation - b.variation)[0]!;
  return path.join(root, ...(o.video || o.image).split('/'));
}

function urlToPath(url: string | null): string | null {
  if (!url) return null;
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

async function prepare(): Promise<{ dir: string; file: string; voice: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dailies-check-exports-'));
  await fs.cp(path.join(__dirname, '..', 'examples', 'night-train'), dir, {
    recursive: true,
    filter: (p) => !p.includes(`${path.sep}.dailies`) && !p.includes(`${path.sep}renders`),
  });
  const file = path.join(dir, 'project.json');
  const engine = new RenderEngine({
    projectFile: file,
    config: resolveConfig({}),
    providers: { draft: new DraftProvider({ latencyMs: 0 }) },
  });
  await engine.render();
  await engine.dispose();
  const project = JSON.parse(await fs.readFile(file, 'utf8')) as { shots: Shot[] };
  const shots = project.shots;
  delete shots[3]!.render; // not rendered: a slate that keeps its place
  shots[1]!.take = 2; // a circled take other than 1
  shots[5]!.duration = 2.52; // not a whole number of frames at 23.976
  const odd = shots[7]!.render!.outputs[0]!;
  const oddRel = `renders/odd name/take #1 & <é ü ß ñ д>.jpg`;
  await fs.mkdir(path.join(dir, 'renders', 'odd name'), { recursive: true });
  await fs.copyFile(path.join(dir, odd.image), path.join(dir, oddRel));
  odd.image = oddRel;
  shots[2]!.review = {
    status: 'changes-requested',
    notes: [{ text: 'Tighter: lose the first second <& "quotes">', author: 'ed' }],
  };
  shots[0]!.dialogue = [{ speaker: 'mara', text: 'Last call for the coast.' }];
  shots[10]!.dialogue = [
    { speaker: 'odile', text: 'Sing it again, slowly this time.' },
    { speaker: 'ilya', text: 'No.' },
  ];
  await fs.writeFile(file, `${JSON.stringify(project, null, 2)}\n`);
  const voice = path.join(dir, 'cut', 'voice.mp3');
  await fs.mkdir(path.dirname(voice), { recursive: true });
  await run(locateFfmpeg({ env: {} }).path, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:duration=110',
    '-c:a',
    'libmp3lame',
    '-q:a',
    '6',
    voice,
  ]);
  return { dir, file, voice };
}

/** 23.976 → 24000/1001 exactly: OpenTimelineIO accepts only the exact NTSC rates for timecode. */
const exactRate = (fps: number) => (Number.isInteger(fps) ? fps : (Math.round(fps) * 1000) / 1001);

async function read(file: string, adapter: string, rate: number): Promise<ReadTimeline> {
  try {
    const { stdout } = await run(otioRead, [file, '--adapter', adapter, '--rate', String(exactRate(rate))], {
      maxBuffer: 256 * 2 ** 20,
    });
    return JSON.parse(stdout) as ReadTimeline;
  } catch (err) {
    const e = err as { stderr?: string; code?: number };
    throw new Error(`otio-read ${adapter} could not read ${file} (exit ${e.code}): ${e.stderr?.trim()}`);
  }
}

async function check(
  dir: string,
  file: string,
  voice: string,
  format: 'otio' | 'fcpxml' | 'edl',
  fps: number,
) {
  const adapter = { otio: 'otio', fcpxml: 'fcp_xml', edl: 'cmx_3600' }[format];
  const label = `${format} at ${fps} fps`;
  console.log(`• ${label}`);
  const out = path.join(dir, `check-${fps}.${format === 'fcpxml' ? 'xml' : format}`);
  await exportCut(file, { format, out, fps });
  const got = await read(out, adapter, fps);
  const project = JSON.parse(await fs.readFile(file, 'utf8')) as { shots: Shot[] };
  const exact = exactRate(fps);
  const video = got.tracks.filter((t) => t.kind === 'Video');
  if (video.length !== 1) return fail(`${label}: ${video.length} video tracks, expected 1`);
  const clips = video[0]!.clips;
  if (video[0]!.gaps) fail(`${label}: ${video[0]!.gaps} gap(s) in the picture track`);
  if (clips.length !== project.shots.length)
    fail(`${label}: ${clips.length} clips, project has ${project.shots.length} shots`);
  project.shots.forEach((shot, i) => {
    const c = clips[i];
    if (!c) return;
    const frames = Math.max(1, Math.round((shot.duration ?? 3) * exact));
    if (c.name !== shot.id) fail(`${label}: clip ${i + 1} is "${c.name}", expected ${shot.id}`);
    if (Math.abs(c.rate - exact) > 1e-3) fail(`${label}: ${shot.id} rate ${c.rate}, expected ${exact}`);
    if (c.duration !== frames) fail(`${label}: ${shot.id} lasts ${c.duration} frames, expected ${frames}`);
    const media = expectedMedia(dir, shot);
    const url = urlToPath(c.media.url);
    if (media === null) {
      if (c.media.type === 'external') fail(`${label}: ${shot.id} (not rendered) links ${url}`);
    } else if (url !== media) fail(`${label}: ${shot.id} links ${url}, expected ${media}`);
  });
  const lines = project.shots.reduce((n, s) => n + (s.dialogue?.length ?? 0), 0);
  const audio = got.tracks.filter((t) => t.kind === 'Audio');
  const voiceClips = audio.flatMap((t) => t.clips);
  if (voiceClips.length !== lines)
    fail(`${label}: ${voiceClips.length} scratch-voice clips, expected ${lines}`);
  for (const v of voiceClips)
    if (urlToPath(v.media.url) !== voice) fail(`${label}: voice clip links ${v.media.url}`);
  const back = await importCut(file, out, { fps, dryRun: true, reorder: true });
  if (back.changes.length || back.order || back.unknown.length || back.dropped.length)
    fail(`${label}: reading the export back would change project.json: ${JSON.stringify(back)}`);
}

/** The example's boards, page 2, as a PNG for the docs (when poppler's pdftoppm is installed). */
async function boardsPicture(file: string): Promise<void> {
  const { file: pdf } = await exportCut(file, { format: 'pdf' });
  const dir = path.join(__dirname, '..', 'test-output');
  await fs.mkdir(dir, { recursive: true });
  try {
    await run('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      '2',
      '-l',
      '2',
      '-singlefile',
      pdf,
      path.join(dir, 'boards-night-train'),
    ]);
    console.log(`• pdf boards: page 2 rendered by pdftoppm → test-output/boards-night-train.png`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') console.log('• pdf boards: pdftoppm not installed, no picture');
    else fail(`pdftoppm could not render the boards: ${e.stderr ?? e.message}`);
  }
}

async function main(): Promise<void> {
  await fs.access(otioRead).catch(() => {
    throw new Error(`otio-read not found at ${otioRead}`);
  });
  const { dir, file, voice } = await prepare();
  try {
    for (const fps of [24, 23.976])
      for (const format of ['otio', 'fcpxml', 'edl'] as const) await check(dir, file, voice, format, fps);
    await boardsPicture(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`\ncheck-exports: ${failures.length} mismatch(es) between the exports and the project`);
    process.exit(1);
  }
  console.log('\ncheck-exports: every export read by OpenTimelineIO matches the project');
}

main().catch((err: unknown) => {
  console.error(`check-exports: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
