// Never pay for a render that could not be saved: before a batch submits anything, the project folder
// must take writes — inside the project, by real path.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ProjectPaths } from '../project/paths';
import { DailiesError } from '../util/errors';

export async function assertWritable(paths: ProjectPaths): Promise<void> {
  try {
    // `destination` creates .dailies/ and renders/ inside the project, and refuses either when it is a
    // link that leads out (a path-escape error, passed on as it is).
    await paths.destination('renders/.probe');
    const probe = await paths.destination(`.dailies/.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.writeFile(probe, '', { flag: 'wx' });
    await fs.rm(probe, { force: true });
  } catch (err) {
    if (err instanceof DailiesError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'ENOENT'
          ? 'it is read-only'
          : code;
    throw new DailiesError('disk', `Cannot render into ${paths.root}: ${why}. Nothing was rendered.`);
  }
}
