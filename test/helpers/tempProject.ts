// Real files in a real temp folder: every test project is a directory with images made by sharp.
import { promises as fs, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';

export interface TempProject {
  dir: string;
  file: string;
  read(): Promise<string>;
  write(text: string): Promise<void>;
  json(): Promise<ProjectJson>;
  cleanup(): Promise<void>;
}

export interface ProjectJson {
  shots: {
    id: string;
    prompt: string;
    render?: { status: string; inputHash: string; outputs: { image: string; thumb?: string }[] };
  }[];
  [k: string]: unknown;
}

export function tempDir(prefix = 'dailies-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A solid-colour image with a little structure (so encoders do real work), in any format sharp writes. */
export async function makeImage(
  file: string,
  options: { width?: number; height?: number; color?: string; format?: 'png' | 'jpeg' | 'webp' } = {},
): Promise<void> {
  const { width = 320, height = 240, color = '#336699', format } = options;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${color}"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="white" fill-opacity="0.5"/></svg>`;
  const img = sharp(Buffer.from(svg));
  const fmt =
    format ??
    (file.endsWith('.jpg') || file.endsWith('.jpeg') ? 'jpeg' : file.endsWith('.webp') ? 'webp' : 'png');
  await img.toFormat(fmt).toFile(file);
}

export async function createProject(
  text: string | object,
  files: Record<string, { color?: string; width?: number; height?: number } | string | Uint8Array> = {},
): Promise<TempProject> {
  const dir = tempDir();
  for (const [rel, spec] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (typeof spec === 'string' || spec instanceof Uint8Array) {
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await fs.writeFile(abs, spec);
    } else await makeImage(abs, spec);
  }
  const file = path.join(dir, 'project.json');
  await fs.writeFile(file, typeof text === 'string' ? text : `${JSON.stringify(text, null, 2)}\n`);
  return wrap(dir, file);
}

/** A copy of a whole example folder (never render into the repo's own files from a test). */
export async function copyExample(name = 'night-train'): Promise<TempProject> {
  const src = path.join(__dirname, '..', '..', 'examples', name);
  const dir = tempDir();
  await fs.cp(src, dir, {
    recursive: true,
    filter: (p) => !p.includes(`${path.sep}.dailies`) && !p.includes(`${path.sep}renders`),
  });
  return wrap(dir, path.join(dir, 'project.json'));
}

function wrap(dir: string, file: string): TempProject {
  return {
    dir,
    file,
    read: () => fs.readFile(file, 'utf8'),
    write: (text) => fs.writeFile(file, text),
    json: async () => JSON.parse(await fs.readFile(file, 'utf8')) as ProjectJson,
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** A simple valid project: `n` shots over two cast members and a scene. */
export function simpleProject(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
  return {
    dailies: 1,
    aspectRatio: '16:9',
    cast: [
      { id: 'ann', name: 'Ann', refs: ['cast/ann.png'] },
      { id: 'bo', name: 'Bo', refs: ['cast/bo.png'] },
    ],
    scenes: [{ id: 's1', title: 'Platform', decor: ['decor/platform.jpg'] }],
    shots: Array.from({ length: n }, (_, i) => ({
      id: `shot-${String(i + 1).padStart(3, '0')}`,
      scene: 's1',
      cast: i % 2 ? ['ann', 'bo'] : ['ann'],
      prompt: `Shot number ${i + 1}, a wide establishing frame`,
      seed: 1000 + i,
      ...extra(i),
    })),
  };
}

export const simpleFiles = {
  'cast/ann.png': { color: '#aa4422' },
  'cast/bo.png': { color: '#2244aa' },
  'decor/platform.jpg': { color: '#335533', width: 640, height: 360 },
};
