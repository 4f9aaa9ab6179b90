// The CPU-heavy media work the worker pool runs: a draft frame, an image check with its thumbnail.
// Everything in and out is structured-cloneable, and errors cross as { code, message }.
import { type DraftFrameSpec, drawFrame } from './draftFrame';
import { type ThumbnailOptions, type VerifiedImage, verifyImage } from './verify';

export type MediaTask =
  | { kind: 'draft'; spec: DraftFrameSpec }
  | { kind: 'thumbnail'; input: Uint8Array | string; options: ThumbnailOptions };

export type MediaResult<T extends MediaTask> = T extends { kind: 'draft' } ? Uint8Array : VerifiedImage;

export async function runMediaTask(task: MediaTask): Promise<Uint8Array | VerifiedImage> {
  switch (task.kind) {
    case 'draft':
      return drawFrame(task.spec);
    case 'thumbnail':
      return verifyImage(task.input, task.options);
  }
}
