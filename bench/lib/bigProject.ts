// A production the size of a feature's previs: 10,000 shots over 40 scenes and a cast of 6, every shot
// rendered (1–3 variations, images and thumbnails on disk, records with the hashes the planner computes),
// about 1.1 KB of project.json per shot. Used by the open-time bench; built once per run in a temp folder.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../src/core/config';
import { RenderEngine } from '../../src/core/render/engine';
import { mapLimit } from '../../src/core/util/mapLimit';
import { makeImage, tempDir } from '../../test/helpers/tempProject';

export interface BigProject {
  dir: string;
  file: string;
  shots: number;
  bytes: number;
  cleanup(): Promise<void>;
}

const CAST = ['mara', 'ilya', 'odile', 'jun', 'petra', 'sol'];

function shotJson(i: number, scenes: number) {
  const id = `s${String(Math.floor(i / 100) + 1).padStart(3, '0')}-${String((i % 100) * 10 + 10).padStart(4, '0')}`;
  return {
    id,
    scene: `sc${String((i % scenes) + 1).padStart(2, '0')}`,
    cast: CAST.slice(i % CAST.length, (i % CAST.length) + (i % 3)),
    prompt: `Shot ${i + 1}: medium close-up, 50mm, the conductor checks a ticket under the carriage lamp while rain streaks the window behind; warm practicals, cold moonlight fill, shallow depth of field, film grain.`,
    seed: 1000 + i,
    variations: 1 + (i % 3),
    duration: 3.5,
    notes:
      i % 7 === 0 ? 'Hold for the line; check continuity of the lantern with the previous shot.' : undefined,
  };
}

/** Writes the project, renders it once with the draft provider's record shape (no drawing), returns it. */
export async function makeBigProject(shots = 10_000, scenes = 40): Promise<BigProject> {
  const dir = tempDir('dailies-big-');
  for (const c of CAST) await makeImage(path.join(dir, 'cast', `${c}.png`), { width: 64, height: 64 });
  for (let s = 1; s <= scenes; s++)
    await makeImage(path.join(dir, 'decor', `sc${String(s).padStart(2, '0')}.jpg`), {
      width: 96,
      height: 54,
    });
  const project = {
    dailies: 1,
    title: 'Big Previs',
    aspectRatio: '2.39:1',
    defaults: { model: 'draft/storyboard', steps: 24 },
    cast: CAST.map((id) => ({ id, name: id, refs: [`cast/${id}.png`] })),
    scenes: Array.from({ length: scenes }, (_, s) => {
      const id = `sc${String(s + 1).padStart(2, '0')}`;
      return { id, title: `Scene ${s + 1}`, decor: [`decor/${id}.jpg`] };
    }),
    shots: Array.from({ length: shots }, (_, i) => shotJson(i, scenes)),
  };
  const file = path.join(dir, 'project.json');
  await fs.writeFile(file, `${JSON.stringify(project, null, 2)}\n`);
  await recordRenders(file);
  const bytes = (await fs.stat(file)).size;
  return { dir, file, shots, bytes, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * Records a render for every shot as the engine would (same input hashes), with tiny image files, so the
 * opened project is "up to date" and the planner does its full work (hash inputs, stat every output).
 */
async function recordRenders(file: string): Promise<void> {
  const engine = new RenderEngine({ projectFile: file, config: resolveConfig({}), providers: {} });
  try {
    const { shots } = await engine.plan();
    const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
    const root = path.dirname(file);
    await mapLimit(shots, 32, async (s) => {
      if (!s.inputHash || !s.spec) throw new Error(`${s.shot.id}: ${s.reason}`);
      const outputs = [];
      await fs.mkdir(path.join(root, 'renders', s.shot.id), { recursive: true });
      for (let v = 1; v <= s.spec.variations; v++) {
        const image = `renders/${s.shot.id}/${s.shot.id}_v${v}.jpg`;
        const thumb = `renders/${s.shot.id}/${s.shot.id}_v${v}.thumb.webp`;
        await fs.writeFile(path.join(root, image), jpeg);
        await fs.writeFile(path.join(root, thumb), jpeg);
        outputs.push({ variation: v, image, thumb, seed: s.spec.baseSeed + v - 1, width: 1360, height: 576 });
      }
      engine.writer.set(s.shot.id, {
        status: 'done',
        inputHash: s.inputHash,
        provider: 'draft',
        model: 'draft/storyboard',
        seed: s.spec.baseSeed,
        outputs,
        renderedAt: new Date(1_800_000_000_000).toISOString(),
        durationMs: 2400,
      });
    });
    await engine.writer.flush();
  } finally {
    await engine.dispose();
  }
}
