// `dailies animatic <project.json>`: cut the circled takes into an MP4 (progress on stderr, the result on
// stdout), and the `render --animatic` hook that keeps it current while a batch lands.
import type { AnimaticResult } from '../../core/cut/build';
import { AnimaticBuilder, type AnimaticEvent } from '../../core/cut/builder';
import { CutError } from '../../core/cut/errors';
import { locateFfmpeg } from '../../core/cut/ffmpeg';
import { type AnimaticOptions, animaticOptions } from '../../core/cut/options';
import { loadProject } from '../../core/project/load';
import { ProjectPaths } from '../../core/project/paths';
import type { RenderEngine } from '../../core/render/engine';
import { toDailiesError } from '../../core/util/errors';
import { formatDuration } from '../../shared/batchProgress';
import type { CliArgs } from '../args';
import type { CliIO } from '../main';

export function cutOptions(args: CliArgs): AnimaticOptions {
  const { out, width, fps, burnIn, kenBurns } = args.cut;
  return animaticOptions({ out, width, fps, burnIn, kenBurns });
}

export async function animaticCommand(args: CliArgs, io: CliIO): Promise<number> {
  let options: AnimaticOptions;
  let ffmpeg: string;
  try {
    options = cutOptions(args);
    ffmpeg = locateFfmpeg({ env: io.env }).path;
  } catch (err) {
    io.stderr.write(`dailies: ${toDailiesError(err).message}\n`);
    return 2;
  }
  const paths = new ProjectPaths(args.projectFile);
  const builder = new AnimaticBuilder({
    paths,
    load: async () => (await loadProject(paths.projectFile)).project,
    options: () => options,
    ffmpeg: () => ffmpeg,
  });
  const view = new AnimaticProgress(io, args);
  const stop = builder.onEvent((e) => view.onEvent(e));
  const offInterrupt = io.onInterrupt(() => {
    if (!builder.building) return false;
    io.stderr.write('\nCanceling… (the previous animatic is kept)\n');
    builder.cancel();
    return true;
  });
  try {
    const result = await builder.build('dailies animatic');
    view.finish();
    if (args.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (!args.quiet) io.stdout.write(`${resultText(result)}\n`);
    return 0;
  } catch (err) {
    view.finish();
    const error = toDailiesError(err);
    if (error.code === 'canceled') return 130;
    if (args.json)
      io.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, shotId: err instanceof CutError ? err.shotId : undefined } })}\n`,
      );
    io.stderr.write(
      `dailies: animatic not built: ${error.message} (the previous animatic, if any, is unchanged)\n`,
    );
    return ['validation', 'path-escape', 'path-invalid', 'ref-missing', 'not-found'].includes(error.code)
      ? 2
      : 1;
  } finally {
    offInterrupt();
    stop.dispose();
    builder.dispose();
  }
}

/** `render --animatic`: a builder fed by the engine; `finish()` cuts once more after the batch. */
export function attachAnimatic(
  args: CliArgs,
  engine: RenderEngine,
  io: CliIO,
  print: (line: string) => void,
) {
  const options = cutOptions(args);
  const ffmpeg = locateFfmpeg({ env: io.env }).path;
  const builder = new AnimaticBuilder({
    paths: engine.paths,
    load: async () => (await engine.load()).project,
    options: () => options,
    ffmpeg: () => ffmpeg,
  });
  const feed = builder.attach(engine.onEvent);
  const log = builder.onEvent((e) => {
    if (e.type === 'done' && !args.quiet)
      print(`▶ animatic ${e.result.rel} updated (${e.result.encoded.length} segment(s) encoded)`);
    if (e.type === 'failed' && !e.canceled) print(`✗ animatic: ${e.error.message}`);
  });
  return {
    builder,
    cancel: () => builder.cancel(),
    async finish(aborted: boolean): Promise<AnimaticResult | undefined> {
      feed.dispose();
      try {
        if (aborted) return undefined;
        return await builder.build('render finished');
      } catch {
        return undefined;
      } finally {
        log.dispose();
        builder.dispose();
      }
    },
  };
}

export function resultText(r: AnimaticResult): string {
  const slates = r.clips.filter((c) => c.take === undefined).length;
  return [
    `Animatic: ${r.rel} · ${r.clips.length} shots · ${formatDuration(r.seconds * 1000)} (${r.frames} frames at ${r.fps} fps) · ${r.width}×${r.height}`,
    `Segments: ${r.encoded.length} encoded · ${r.reused.length} reused${r.repaired.length ? ` · ${r.repaired.length} damaged and re-encoded` : ''}${slates ? ` · ${slates} slate(s) for shots not rendered` : ''}`,
  ].join('\n');
}

/** One redrawn line on a TTY; a line per encoded segment otherwise. */
class AnimaticProgress {
  private readonly tty: boolean;
  private last = '';
  private drawn = 0;

  constructor(
    private readonly io: CliIO,
    private readonly args: CliArgs,
  ) {
    this.tty = io.stderr.isTTY === true && !args.json;
  }

  onEvent(e: AnimaticEvent): void {
    if (this.args.quiet) return;
    if (e.type === 'start') this.line(`Cutting ${e.shots} shots: ${e.toEncode.length} segment(s) to encode`);
    else if (e.type === 'log') this.line(`[ANIMATIC] ${e.message}`);
    else if (e.type === 'segment' && e.state === 'encoded' && !this.tty) this.line(`  encoded ${e.shotId}`);
    else if (e.type === 'progress' && this.tty && Date.now() - this.drawn > 100) {
      this.drawn = Date.now();
      const f = e.framesTotal ? e.framesDone / e.framesTotal : 1;
      const bar = `${'█'.repeat(Math.round(f * 24))}${'░'.repeat(24 - Math.round(f * 24))}`;
      const what = e.phase === 'joining' ? 'joining' : `encoding ${e.shotId ?? ''}`;
      this.last = `${bar} ${Math.round(f * 100)}% ${what}`.slice(0, (this.io.stderr.columns || 100) - 1);
      this.io.stderr.write(`\r\x1b[2K${this.last}`);
    }
  }

  finish(): void {
    if (this.tty && this.last) this.io.stderr.write('\r\x1b[2K');
    this.last = '';
  }

  private line(text: string): void {
    if (this.tty && this.last) this.io.stderr.write('\r\x1b[2K');
    this.io.stderr.write(`${text}\n`);
    if (this.tty && this.last) this.io.stderr.write(this.last);
  }
}
