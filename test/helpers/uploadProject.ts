// The upload seed's production, shared by the upload tests and the upload benchmark so both measure the
// same thing: 50 shots × 3 refs over 12 files whose contents are 11 (two files have the same bytes).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createProject, type TempProject } from './tempProject';

const COLORS = [
  '#aa2222',
  '#22aa22',
  '#2222aa',
  '#aaaa22',
  '#22aaaa',
  '#aa22aa',
  '#884400',
  '#004488',
  '#448800',
  '#880044',
  '#ffffff',
];

/** refs/img-00.png and refs/copy-of-00.png hold the same bytes; `width`/`height` size the images. */
export async function uploadProject(
  model: string,
  { width = 160, height = 120 }: { width?: number; height?: number } = {},
): Promise<{ project: TempProject; refsPerShot: string[][] }> {
  const files: Record<string, { color: string; width: number; height: number }> = {};
  COLORS.forEach((color, i) => {
    files[`refs/img-${String(i).padStart(2, '0')}.png`] = { color, width, height };
  });
  const paths = [...Object.keys(files), 'refs/copy-of-00.png'];
  const refsPerShot = Array.from({ length: 50 }, (_, i) => [
    paths[i % 12]!,
    paths[(i * 5 + 1) % 12]!,
    paths[(i * 7 + 3) % 12]!,
  ]);
  const shots = refsPerShot.map((refs, i) => ({
    id: `sh${String(i).padStart(3, '0')}`,
    prompt: `shot ${i}`,
    seed: i,
    model,
    refs,
  }));
  const project = await createProject({ dailies: 1, shots }, files);
  await fs.copyFile(
    path.join(project.dir, 'refs', 'img-00.png'),
    path.join(project.dir, 'refs', 'copy-of-00.png'),
  );
  return { project, refsPerShot };
}
