import type { ModelClass, ProviderId } from '../project/schema';
import type { DailiesError } from '../util/errors';

export type { ProviderId };

export interface ModelInfo {
  /** The id shots use in `model`. */
  id: string;
  provider: ProviderId;
  /** fal endpoint id, or Replicate `owner/name[:version]`. */
  endpoint: string;
  class: ModelClass;
  /** USD per output image; undefined when unknown (estimates say "unpriced"). */
  priceUsd?: number;
  maxRefs: number;
  refsInput?: string;
  refsAs: 'list' | 'single';
  sizeInput: 'image_size' | 'aspect_ratio' | 'width_height' | 'none';
  stepsInput?: string;
  seedInput?: string;
  /** Typical generation time, for ETAs before any history exists. */
  typicalSeconds: number;
  params: Record<string, unknown>;
  /** Image-to-video models (class `video`): how the start frame and the length are sent. */
  video?: VideoModelInfo;
  /** Text-to-speech models: how the line and the voice are sent, and the price per character. */
  tts?: TtsModelInfo;
}

export interface TtsModelInfo {
  /** Input that takes the line (`prompt` on fal's Kokoro, `text` on Replicate's). */
  textInput: string;
  voiceInput: string;
  /** Used when the cast member has no voice in project.json. */
  defaultVoice: string;
  /** USD per 1000 characters; undefined: per line at `priceUsd`, or unpriced. */
  pricePer1kCharsUsd?: number;
}

export interface VideoModelInfo {
  /** Input that takes the start frame's URL (`image_url`, `start_image_url`, `start_image`, `image`). */
  startInput: string;
  /** Input that takes an end frame's URL, for models that have one. */
  endInput?: string;
  /** Input that takes the clip length (`duration`); absent when the model has a fixed length. */
  durationInput?: string;
  /** Clip lengths (seconds) the model allows, shortest first; anything else is refused before paying. */
  durations: number[];
  /** fal's duration enums are strings ("5"); Replicate's are integers. */
  durationAs: 'string' | 'number';
  /** USD per second of output video; undefined when unknown (estimates say "unpriced"). */
  pricePerSecondUsd?: number;
}

export interface RefInput {
  /** `start` / `end`: a video shot's first and last frame (sent in the model's own inputs, not as refs). */
  role: 'cast' | 'decor' | 'shot' | 'start' | 'end';
  /** Where the ref is written in project.json (`cast[2].refs[0]`), for error messages. */
  source?: string;
  /** Cast member / scene / shot id the ref belongs to. */
  owner: string;
  label: string;
  /** Project-relative path; absent for a remote URL ref. */
  rel?: string;
  abs?: string;
  url?: string;
  sha256: string;
  size: number;
}

/** Everything a provider needs for one variation of one shot. */
export interface GenerationRequest {
  shotId: string;
  variation: number;
  variations: number;
  model: ModelInfo;
  prompt: string;
  negativePrompt?: string;
  seed: number;
  steps: number;
  width: number;
  height: number;
  aspectRatio: string;
  params: Record<string, unknown>;
  refs: RefInput[];
  /** Human labels for an offline frame (scene title, cast names). */
  labels: { scene?: string; cast: string[] };
  /** Remote URLs of refs, by content hash, filled by the upload cache before submit. */
  refUrls: Map<string, string>;
  /** Video shots: the clip length asked for (its start and end frames are `refs` with role start/end). */
  video?: { seconds: number };
  /** Text-to-speech: the line (also in `prompt`) and the voice it is spoken in. */
  tts?: { text: string; voice: string };
}

export interface ProgressUpdate {
  state: 'queued' | 'running';
  step?: number;
  steps?: number;
  queuePosition?: number;
  message?: string;
}

export interface ProviderContext {
  /** The user's cancel and the generation deadline: ends polling at once. */
  signal: AbortSignal;
  /**
   * Ends the submit request itself. A user's cancel does not: a submit already on its way gets its answer,
   * so the job has an id and can be canceled by it instead of running unseen (and billed).
   */
  submitSignal?: AbortSignal;
  onProgress(update: ProgressUpdate): void;
  /** A folder inside the project's .dailies/ for a provider's own scratch files (the draft's video). */
  scratchDir?: string;
  /** Called as soon as the provider accepted the job, so a crash can re-attach instead of paying again. */
  onSubmitted(requestId: string): void;
  log(message: string): void;
}

export type ProviderOutput = { kind: 'bytes'; data: Uint8Array; mime: string } | { kind: 'url'; url: string };

export interface GenerationResult {
  outputs: ProviderOutput[];
  requestId?: string;
  /** Provider-reported times, when it reports them. */
  queueMs?: number;
  runMs?: number;
}

/** What a provider said to a cancel: fal's documented answers, or what Replicate's prediction shows. */
export type CancelAnswer = 'canceled' | 'requested' | 'already-completed' | 'not-found';

/** A job's state at the provider, asked after a cancel and before re-attaching to an earlier run's job. */
export type JobCheck =
  | { state: 'pending' }
  | { state: 'succeeded'; result: GenerationResult }
  | { state: 'canceled' }
  | { state: 'failed'; error: DailiesError }
  /** The provider no longer knows the request. */
  | { state: 'gone' };

export interface UploadResult {
  url: string;
  /** Epoch ms after which the provider may have deleted the file. */
  expiresAt?: number;
}

export interface Provider {
  readonly id: ProviderId;
  /** Whether refs must be uploaded (and so pre-warmed) before a job can be submitted. */
  readonly needsUploads: boolean;
  /** Inputs beyond the request's common ones that change this provider's output. */
  fingerprint?(request: GenerationRequest): Record<string, unknown>;
  generate(request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult>;
  /** Re-attaches to a job submitted before a crash or reload. */
  resume?(requestId: string, request: GenerationRequest, ctx: ProviderContext): Promise<GenerationResult>;
  cancel?(requestId: string, model: ModelInfo): Promise<CancelAnswer | undefined>;
  /** One look at a submitted job, without following it (a cancel is only a request). */
  check?(requestId: string, request: GenerationRequest, signal: AbortSignal): Promise<JobCheck>;
  /**
   * After a crash during a submit: the id of a job this provider received for `request` at or after
   * `since` (epoch ms), if it can tell. Providers without a way to ask leave this out.
   */
  findSubmission?(
    request: GenerationRequest,
    since: number,
    signal: AbortSignal,
  ): Promise<string | undefined>;
  upload?(
    file: { bytes: Uint8Array; mime: string; name: string },
    signal: AbortSignal,
  ): Promise<UploadResult>;
  /** Cheap check that an uploaded URL still serves (true), is gone (false); throws on other errors. */
  validateUpload?(url: string, signal: AbortSignal): Promise<boolean>;
  /**
   * Downloads (outputs) go through the provider's fetch: routed like its API calls, bounded in time and
   * bytes, https/public hosts only (or the base URL), redirects re-checked, never carrying the key.
   */
  fetch?(url: string, init: RequestInit): Promise<Response>;
}
