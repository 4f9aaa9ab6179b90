// What both fakes share for text-to-speech models: which endpoints speak, what they refuse (no text), and
// the MP3s they return — real MPEG audio made with the bundled ffmpeg at test time (a tone as long as the
// text would take to say, cached per length and pitch).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How a TTS endpoint takes its text and voice, as the providers document them. */
export interface TtsSchema {
  textInput: string;
  voiceInput: string;
}

const SCHEMAS: Record<string, TtsSchema> = {
  // fal.ai/models/fal-ai/kokoro/american-english: {prompt, voice, speed} → {audio: {url}}
  'fal-ai/kokoro/american-english': { textInput: 'prompt', voiceInput: 'voice' },
  'fal-ai/kokoro/british-english': { textInput: 'prompt', voiceInput: 'voice' },
  // replicate.com/jaaari/kokoro-82m: {text, voice, speed} → a URL string
  'jaaari/kokoro-82m': { textInput: 'text', voiceInput: 'voice' },
};

export function ttsSchema(endpoint: string): TtsSchema | undefined {
  return SCHEMAS[endpoint];
}

/** The text a TTS request carries, or why the model would refuse it. */
export function checkTtsInput(
  schema: TtsSchema,
  input: unknown,
): { ok: true; text: string; seconds: number } | { ok: false; field: string; message: string } {
  const body = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const text = body[schema.textInput];
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, field: schema.textInput, message: 'field required' };
  }
  const words = text.trim().split(/\s+/).length;
  return { ok: true, text, seconds: Math.max(0.5, Math.round((words / 2.5) * 10) / 10) };
}

const cache = new Map<string, Promise<Buffer>>();
let scratch: string | undefined;

/** A real MP3 (mono, 24 kHz like Kokoro's output) of `seconds`, its pitch following `key`. */
export function renderMp3(key: string, seconds: number): Promise<Buffer> {
  const freq = 200 + (Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 4), 16) % 600);
  const id = `${freq}:${seconds}`;
  let bytes = cache.get(id);
  if (!bytes) {
    bytes = encode(freq, seconds);
    bytes.catch(() => cache.delete(id));
    cache.set(id, bytes);
  }
  return bytes;
}

async function encode(freq: number, seconds: number): Promise<Buffer> {
  scratch ??= mkdtempSync(path.join(tmpdir(), 'dailies-fake-audio-'));
  const out = path.join(scratch, `${freq}-${seconds}.mp3`);
  const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  await run(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${freq}:sample_rate=24000:duration=${seconds}`,
    '-ac',
    '1',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '48k',
    out,
  ]);
  return fs.readFile(out);
}
