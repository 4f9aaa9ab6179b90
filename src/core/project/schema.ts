// The TypeScript source of truth for project.json. `npm run build` emits schemas/project.schema.json
// (draft-07, the only draft VS Code's JSON language service fully supports) from these objects, so the
// editor's IntelliSense and the engine's validator can never disagree.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const md = (markdownDescription: string) => ({ description: markdownDescription, markdownDescription });

/** Ids end up in file names and JSON paths, so they stay portable and shell-free. */
const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
  ...md('Identifier: letters, digits, `.`, `_` or `-`; used in file names, so keep it stable.'),
});

const Ref = Type.String({
  minLength: 1,
  maxLength: 4096,
  ...md(
    'Path of an image relative to this project.json (for example `cast/mara.png`), or an `https://` URL.',
  ),
});

const Refs = Type.Array(Ref, { maxItems: 64 });

export const ModelClassSchema = Type.Union(
  [Type.Literal('light'), Type.Literal('heavy'), Type.Literal('video')],
  {
    ...md('Concurrency class: `light` (fast image models), `heavy` (large image models) or `video`.'),
  },
);

export const ProviderIdSchema = Type.Union(
  [Type.Literal('draft'), Type.Literal('fal'), Type.Literal('replicate')],
  {
    ...md(
      '`draft` renders offline storyboard frames (no key, no network); `fal` and `replicate` call the cloud APIs.',
    ),
  },
);

const Params = Type.Record(Type.String(), Type.Unknown(), {
  ...md('Extra model inputs passed through as is (for example `guidance_scale`).'),
});

const Steps = Type.Integer({ minimum: 1, maximum: 500, ...md('Inference steps.') });
const Seed = Type.Integer({
  minimum: 0,
  maximum: 4294967295,
  ...md('Seed; variation *n* uses `seed + n - 1`.'),
});
const Variations = Type.Integer({ minimum: 1, maximum: 16, ...md('How many variations (takes) to render.') });

export const AspectRatioSchema = Type.String({
  pattern: '^[0-9]+(\\.[0-9]+)?:[0-9]+(\\.[0-9]+)?$',
  ...md('Frame aspect ratio, for example `16:9`, `2.39:1` or `1:1`.'),
});

export const OutputRecordSchema = Type.Object({
  variation: Type.Integer({ minimum: 1 }),
  image: Type.String({ ...md('Rendered image, relative to project.json.') }),
  thumb: Type.Optional(Type.String({ ...md('WebP thumbnail (400 px box), relative to project.json.') })),
  seed: Type.Optional(Type.Integer({ minimum: 0 })),
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  width: Type.Optional(Type.Integer({ minimum: 1 })),
  height: Type.Optional(Type.Integer({ minimum: 1 })),
  cached: Type.Optional(Type.Boolean({ ...md('Served from the result cache, no provider call.') })),
  // A video take: `image` is its poster frame (so every view of images keeps working), these are the rest.
  video: Type.Optional(Type.String({ ...md('The rendered video (MP4), relative to project.json.') })),
  proxy: Type.Optional(
    Type.String({
      ...md('Small H.264 review copy of the video (≤ 640 px, no audio), relative to project.json.'),
    }),
  ),
  videoSha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  seconds: Type.Optional(Type.Number({ minimum: 0, ...md('Length of the video in seconds.') })),
  frames: Type.Optional(Type.Integer({ minimum: 0, ...md('Frames decoded from the video.') })),
  fps: Type.Optional(Type.Number({ minimum: 0 })),
});

export const RenderStatusSchema = Type.Union([
  Type.Literal('done'),
  Type.Literal('partial'),
  Type.Literal('failed'),
]);

export const RenderRecordSchema = Type.Object(
  {
    status: RenderStatusSchema,
    inputHash: Type.String({ pattern: '^[0-9a-f]{64}$', ...md('Hash of every input of the render.') }),
    provider: Type.String(),
    model: Type.String(),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    outputs: Type.Array(OutputRecordSchema),
    renderedAt: Type.String({ ...md('ISO time the render was recorded.') }),
    durationMs: Type.Optional(Type.Number({ minimum: 0 })),
    queueMs: Type.Optional(Type.Number({ minimum: 0 })),
    costUsd: Type.Optional(Type.Number({ minimum: 0 })),
    error: Type.Optional(Type.String()),
  },
  { ...md('Written by Dailies after a render. Edit the shot, not this.') },
);

// Review data is shared through git by a whole crew and only ever read for display: its members are
// lenient here (an unknown status or a malformed note is a warning at its line, see review/validate.ts),
// so a teammate's typo never makes the production unrenderable.
export const ReviewNoteSchema = Type.Unknown({
  ...md(
    'A note: `{ "text": "…", "author": "…", "at": "ISO time", "status": "changes-requested" }`, or plain text.',
  ),
});

export const ReviewSchema = Type.Object(
  {
    status: Type.Optional(
      Type.String({
        examples: ['pending', 'approved', 'changes-requested'],
        ...md('`pending`, `approved` or `changes-requested`.'),
      }),
    ),
    by: Type.Optional(Type.String({ ...md('Who set the status.') })),
    at: Type.Optional(Type.String({ ...md('ISO time the status was set.') })),
    notes: Type.Optional(Type.Array(ReviewNoteSchema, { ...md('Review notes, oldest first.') })),
  },
  { ...md('Dailies review: status and notes (written by the take viewer, shared through git).') },
);

export const CastMemberSchema = Type.Object({
  id: Id,
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String({ maxLength: 20000 })),
  refs: Type.Optional(Refs),
});

export const SceneSchema = Type.Object({
  id: Id,
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String({ maxLength: 20000 })),
  decor: Type.Optional(Refs),
});

export const DialogueLineSchema = Type.Object({
  speaker: Id,
  text: Type.String({ minLength: 1, maxLength: 2000, ...md('What the speaker says.') }),
});

export const ShotSchema = Type.Object({
  id: Id,
  scene: Type.Optional(Id),
  cast: Type.Optional(Type.Array(Id, { maxItems: 64 })),
  prompt: Type.String({ minLength: 1, maxLength: 20000, ...md('What the shot shows.') }),
  negativePrompt: Type.Optional(Type.String({ maxLength: 20000 })),
  model: Type.Optional(Type.String({ minLength: 1, ...md('Model id, for example `fal-ai/flux/dev`.') })),
  provider: Type.Optional(ProviderIdSchema),
  seed: Type.Optional(Seed),
  steps: Type.Optional(Steps),
  variations: Type.Optional(Variations),
  aspectRatio: Type.Optional(AspectRatioSchema),
  params: Type.Optional(Params),
  refs: Type.Optional(Refs),
  duration: Type.Optional(Type.Number({ minimum: 0, ...md('Shot length in seconds (for the edit).') })),
  from: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      ...md(
        "Video shots: the start frame. A still shot's id (its circled take is used, so circling another take makes this shot stale), or an image path / `https://` URL.",
      ),
    }),
  ),
  to: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      ...md("Video shots: the end frame, for models that take one (a still shot's id, or an image)."),
    }),
  ),
  videoDuration: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 600,
      ...md(
        'Video shots: seconds of video to generate; must be one the model allows. Default: the shortest allowed clip that covers `duration` (the cut trims it).',
      ),
    }),
  ),
  notes: Type.Optional(Type.String({ maxLength: 20000 })),
  render: Type.Optional(RenderRecordSchema),
  dialogue: Type.Optional(
    Type.Array(DialogueLineSchema, {
      maxItems: 64,
      ...md('Lines spoken in the shot, in order. Offline they are burned into the animatic as subtitles.'),
    }),
  ),
  take: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 16,
      ...md('The circled take: the variation the edit uses (variation 1 when none is circled).'),
    }),
  ),
  review: Type.Optional(ReviewSchema),
});

export const VoiceSchema = Type.Object(
  {
    model: Type.String({
      minLength: 1,
      ...md(
        'Text-to-speech model for the scratch voice (e.g. `fal-ai/kokoro/american-english`); a draft model or none: subtitles only.',
      ),
    }),
    voices: Type.Optional(
      Type.Record(Id, Type.String({ minLength: 1, maxLength: 200 }), {
        ...md("Voice per cast id, in the model's own names (e.g. `af_heart`)."),
      }),
    ),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { ...md('Scratch voice: each dialogue line spoken by a text-to-speech model and laid on the animatic.') },
);

export const DefaultsSchema = Type.Object({
  model: Type.Optional(Type.String({ minLength: 1 })),
  provider: Type.Optional(ProviderIdSchema),
  steps: Type.Optional(Steps),
  seed: Type.Optional(Seed),
  variations: Type.Optional(Variations),
  params: Type.Optional(Params),
  duration: Type.Optional(
    Type.Number({
      minimum: 0,
      ...md('Length in seconds of shots that give none (the animatic uses 3 s without it).'),
    }),
  ),
});

export const ModelDefinitionSchema = Type.Object({
  provider: ProviderIdSchema,
  endpoint: Type.String({ minLength: 1, ...md('fal endpoint id, or Replicate `owner/name[:version]`.') }),
  class: Type.Optional(ModelClassSchema),
  priceUsd: Type.Optional(Type.Number({ minimum: 0, ...md('Price per output image, for estimates.') })),
  maxRefs: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
  refsInput: Type.Optional(
    Type.String({ ...md('Input field that takes reference image URLs (omit when the model takes none).') }),
  ),
  refsAs: Type.Optional(Type.Union([Type.Literal('list'), Type.Literal('single')])),
  sizeInput: Type.Optional(
    Type.Union([Type.Literal('image_size'), Type.Literal('aspect_ratio'), Type.Literal('width_height')]),
  ),
  stepsInput: Type.Optional(Type.String()),
  seedInput: Type.Optional(Type.String()),
  params: Type.Optional(Params),
  video: Type.Optional(
    Type.Object(
      {
        startInput: Type.String({
          minLength: 1,
          ...md('Input that takes the start frame URL, e.g. `image_url`.'),
        }),
        endInput: Type.Optional(Type.String({ minLength: 1, ...md('Input that takes an end frame URL.') })),
        durationInput: Type.Optional(
          Type.String({ minLength: 1, ...md('Input that takes the length, e.g. `duration`.') }),
        ),
        durations: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 600 }), {
          minItems: 1,
          maxItems: 64,
          ...md('Clip lengths (seconds) the model allows; anything else is refused before paying.'),
        }),
        durationAs: Type.Optional(
          Type.Union([Type.Literal('string'), Type.Literal('number')], {
            ...md('How the length is sent: `"5"` (fal enums) or `5`.'),
          }),
        ),
        pricePerSecondUsd: Type.Optional(
          Type.Number({ minimum: 0, ...md('Price per second of output video, for estimates.') }),
        ),
      },
      {
        ...md('Makes this an image-to-video model (class `video`): how it takes its start frame and length.'),
      },
    ),
  ),
});

export const LimitsSchema = Type.Object({
  light: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
  heavy: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
  video: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
});

export const ProjectSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    dailies: Type.Optional(Type.Literal(1, { ...md('Dailies project format version.') })),
    title: Type.Optional(Type.String()),
    aspectRatio: Type.Optional(AspectRatioSchema),
    defaults: Type.Optional(DefaultsSchema),
    limits: Type.Optional(LimitsSchema),
    models: Type.Optional(Type.Record(Type.String(), ModelDefinitionSchema, { ...md('Extra models.') })),
    cast: Type.Optional(Type.Array(CastMemberSchema)),
    voice: Type.Optional(VoiceSchema),
    scenes: Type.Optional(Type.Array(SceneSchema)),
    shots: Type.Array(ShotSchema, { ...md('Every shot of the production.') }),
    fal_upload_cache: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        ...md('Legacy map of path → fal URL; imported, never written.'),
      }),
    ),
  },
  { title: 'Dailies production', ...md('A Dailies production: cast, scenes and shots.') },
);

export type Project = Static<typeof ProjectSchema>;
export type Shot = Static<typeof ShotSchema>;
export type VoiceSettings = Static<typeof VoiceSchema>;
export type Scene = Static<typeof SceneSchema>;
export type CastMember = Static<typeof CastMemberSchema>;
export type RenderRecord = Static<typeof RenderRecordSchema>;
export type Review = Static<typeof ReviewSchema>;
export type OutputRecord = Static<typeof OutputRecordSchema>;
export type ModelDefinition = Static<typeof ModelDefinitionSchema>;
export type ModelClass = Static<typeof ModelClassSchema>;
export type ProviderId = Static<typeof ProviderIdSchema>;
export type ProjectLimits = Static<typeof LimitsSchema>;
export type DialogueLine = Static<typeof DialogueLineSchema>;

/** The draft-07 document contributed to VS Code through `jsonValidation`. */
export function projectJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://dailies.invalid/schemas/project.schema.json',
    ...(JSON.parse(JSON.stringify(ProjectSchema as TSchema)) as Record<string, unknown>),
  };
}

/**
 * What the extension contributes through `jsonValidation`: `fileMatch` cannot look at content, so this
 * wrapper applies the production schema only when the document has `shots` and no Nx keys. An Nx
 * project.json gets no Dailies errors and no Dailies completions.
 */
export function productionOnlyJsonSchema(): Record<string, unknown> {
  const { $schema, $id, ...production } = projectJsonSchema();
  return {
    $schema,
    $id: 'https://dailies.invalid/schemas/project.dailies.schema.json',
    definitions: { production },
    if: {
      type: 'object',
      required: ['shots'],
      not: {
        anyOf: ['targets', 'executor', 'projectType', 'sourceRoot', 'implicitDependencies'].map((k) => ({
          required: [k],
        })),
      },
    },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
    then: { $ref: '#/definitions/production' },
  };
}
