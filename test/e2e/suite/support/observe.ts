// Observing what Dailies did, from inside the host: its engine events (through the API), the images it
// wrote (WebP headers read by hand: the suite bundle carries no sharp), and its output channel's log file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DailiesApi } from '../../../../src/extension/api';
import type { RenderEvent } from '../../../../src/shared/events';

type JobEvent = Extract<RenderEvent, { type: 'job' }>;

/** Job states during which a variation holds its model-class slot (downloads and thumbnails do not). */
const HOLDING = new Set(['uploading', 'submitted', 'running', 'retrying']);

export class EventLog {
  readonly events: { file: string; event: RenderEvent }[] = [];
  private readonly sub: { dispose(): void };

  constructor(api: DailiesApi) {
    this.sub = api.onRenderEvent((file, event) => this.events.push({ file, event }));
  }

  /** Most variations holding a slot at once, among the jobs `which` selects. */
  peak(which: (file: string, job: JobEvent) => boolean): number {
    const holding = new Set<string>();
    let peak = 0;
    for (const { file, event } of this.events) {
      if (event.type !== 'job' || !which(file, event)) continue;
      const key = `${file}#${event.shotId}#${event.variation}`;
      if (HOLDING.has(event.state)) holding.add(key);
      else holding.delete(key);
      peak = Math.max(peak, holding.size);
    }
    return peak;
  }

  logs(): string[] {
    return this.events.flatMap(({ event }) =>
      event.type === 'log' ? [`[${event.level}] [${event.tag}] ${event.message}`] : [],
    );
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** Width and height of a WebP file (lossy VP8, lossless VP8L or extended VP8X). */
export function webpSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WEBP')
    throw new Error(`${file} is not a WebP file`);
  const chunk = b.toString('ascii', 12, 16);
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  throw new Error(`${file}: unknown WebP chunk ${chunk}`);
}

/** Dailies' output channel as VS Code writes it: the newest logs/<session>/exthost*\/dailies.dailies/Dailies.log. */
export function dailiesLogFile(): string | undefined {
  const root = process.env['DAILIES_E2E_LOGS'];
  if (!root || !existsSync(root)) return undefined;
  const found: string[] = [];
  for (const session of readdirSync(root)) {
    const dir = path.join(root, session);
    if (!statSync(dir).isDirectory()) continue;
    for (const host of readdirSync(dir).filter((d) => d.startsWith('exthost'))) {
      const file = path.join(dir, host, 'dailies.dailies', 'Dailies.log');
      if (existsSync(file)) found.push(file);
    }
  }
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

export function readLog(): string {
  const file = dailiesLogFile();
  return file ? readFileSync(file, 'utf8') : '';
}
