// What makes a shot a video shot for the engine: its start (and end) frame as refs, and the clip length
// it asks the model for. The start frame is, by default, the circled take of the still shot it names
// (`"from": "s01-010"`), so it enters the input hash by content: circling another take of the still, or
// re-rendering it, makes the video stale. Everything here is decided before any upload or submit, so a
// video model given no start frame, or a length it does not make, is refused before paying.
import { circledTake } from '../cut/takes';
import type { ModelInfo } from '../providers/types';
import { type ClipLength, clipLength } from '../providers/videoModels';
import { DailiesError } from '../util/errors';
import type { Project, Shot } from './schema';
import type { RefSpec } from './spec';

/** A video shot's still has no take yet: it can be rendered once the still is (see render/videoWaves). */
export class StillNotRendered extends DailiesError {
  constructor(
    readonly stillId: string,
    message: string,
  ) {
    super('ref-missing', message);
  }
}

export interface VideoSpec {
  seconds: number;
  /** Absent only in a provisional spec (an estimate made before the still it starts from is rendered). */
  start?: RefSpec;
  end?: RefSpec;
}

const IMAGE_EXT = /\.(png|jpe?g|webp|gif|avif|heic|heif|tiff?)$/i;

/** A ref rather than a shot id: a path (with a folder or an image extension) or a URL. */
export function looksLikeRef(value: string): boolean {
  return /[/\\]/.test(value) || /^[a-z]+:/i.test(value) || IMAGE_EXT.test(value);
}

/** The shot a `from` / `to` names, if it names one (an id wins over a same-named file). */
export function namedStill(project: Project, value: string): Shot | undefined {
  return looksLikeRef(value) ? undefined : project.shots.find((s) => s.id === value);
}

export function videoSpec(
  project: Project,
  shot: Shot,
  index: number,
  model: ModelInfo,
  params: Record<string, unknown>,
  /** Resolve the start and end frames (false: length only, for an estimate before the still exists). */
  frames = true,
): VideoSpec | undefined {
  const where = `shots[${index}]`;
  if (!model.video) {
    for (const field of ['from', 'to', 'videoDuration'] as const) {
      if (shot[field] !== undefined) {
        throw new DailiesError(
          'validation',
          `${where}.${field}: model "${model.id}" makes images, not video (name an image-to-video model, e.g. draft/video)`,
        );
      }
    }
    return undefined;
  }
  if (shot.from === undefined) {
    throw new DailiesError(
      'validation',
      `${where}: video model "${model.id}" needs a start frame: set "from" to a still shot's id (its circled take) or an image`,
    );
  }
  if (shot.to !== undefined && !model.video.endInput) {
    throw new DailiesError('validation', `${where}.to: model "${model.id}" takes no end frame`);
  }
  const length: ClipLength = clipLength(model.video, {
    videoDuration: shot.videoDuration,
    param: model.video.durationInput ? params[model.video.durationInput] : undefined,
    editSeconds: shot.duration ?? project.defaults?.duration,
  });
  if (!length.ok) throw new DailiesError('validation', `${where}: ${length.message}`);
  if (!frames) return { seconds: length.seconds };
  return {
    seconds: length.seconds,
    start: frameRef(project, shot, index, 'from'),
    end: shot.to === undefined ? undefined : frameRef(project, shot, index, 'to'),
  };
}

function frameRef(project: Project, shot: Shot, index: number, field: 'from' | 'to'): RefSpec {
  const value = shot[field]!;
  const source = `shots[${index}].${field}`;
  const role = field === 'from' ? 'start' : 'end';
  const still = namedStill(project, value);
  if (still) {
    if (still.id === shot.id)
      throw new DailiesError('validation', `${source}: a shot cannot start from itself`);
    const take = circledTake(still);
    if (!take) {
      throw new StillNotRendered(
        still.id,
        `${source}: shot ${still.id} has no rendered take yet; render it first (a batch that renders both does it in order)`,
      );
    }
    if (take.output.video) {
      throw new DailiesError(
        'validation',
        `${source}: shot ${still.id} is a video shot; "${field}" names a still shot or an image`,
      );
    }
    return { role, owner: still.id, label: `${still.id} take ${take.take}`, ref: take.output.image, source };
  }
  if (!looksLikeRef(value)) {
    throw new DailiesError(
      'project-semantic',
      `${source}: there is no shot "${value}" (and it is not an image path)`,
    );
  }
  return { role, owner: shot.id, label: value, ref: value, source };
}
