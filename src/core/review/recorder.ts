// The engine's hook for review: every render it records becomes a version of its shot (kept in
// .dailies/versions, outputs by content hash), and a shot that had been sent back (changes requested)
// becomes pending again in the same write as its render record, its notes kept as history.
import { randomBytes } from 'node:crypto';
import type { ProjectPaths } from '../project/paths';
import type { RenderRecord } from '../project/schema';
import type { ProjectWriter } from '../project/write';
import type { PlannedShot } from '../render/plan';
import { toDailiesError } from '../util/errors';
import { sha256File } from '../util/hash';
import { reopenAfterRender } from './reviewEdits';
import { RESTORABLE, sameRender, type VersionEntry, type VersionInputs, VersionStore } from './versions';

export class ReviewRecorder {
  readonly versions: VersionStore;
  /** One chain per shot: its versions are appended in the order its renders were recorded. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly paths: ProjectPaths,
    private readonly writer: ProjectWriter,
    private readonly warn: (message: string) => void,
  ) {
    this.versions = new VersionStore(paths);
  }

  /** Called right after the engine queues a shot's render record. */
  rendered(planned: PlannedShot, record: RenderRecord): void {
    const id = planned.shot.id;
    this.writer.update(id, 'review', reopenAfterRender(record.renderedAt));
    const next = (this.chains.get(id) ?? Promise.resolve())
      .then(() => this.keep(planned, record))
      .catch((err: unknown) => this.warn(`${id}: version not kept: ${toDailiesError(err).message}`));
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
  }

  /** Resolves once every version queued so far is on disk. */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  private async keep(planned: PlannedShot, record: RenderRecord): Promise<void> {
    const shotId = planned.shot.id;
    const known = await this.versions.list(shotId);
    // The render this one replaces, if it predates versions: kept too, so nothing is lost on the first
    // re-render after an upgrade. Its inputs are known only when they are today's (a forced re-render).
    const previous = planned.shot.render;
    if (
      previous &&
      previous.outputs.length > 0 &&
      previous.outputs.every((o) => o.sha256) &&
      !sameRender(previous, record) &&
      !known.some((e) => sameRender(e.render, previous))
    ) {
      const same = previous.inputHash === planned.inputHash;
      this.versions.append({
        v: 1,
        id: newId(),
        shotId,
        recordedAt: previous.renderedAt,
        render: previous,
        ...(same ? { fields: fieldsOf(planned), ...inputsOf(planned) } : { legacy: true as const }),
      });
    }
    // The same bytes again (the result cache served an earlier version's inputs): that version is current.
    if (known.some((e) => sameRender(e.render, record))) return;
    if (record.outputs.some((o) => !o.sha256)) return;
    const entry: VersionEntry = {
      v: 1,
      id: newId(),
      shotId,
      recordedAt: new Date().toISOString(),
      render: record,
      thumbs: await this.hashes(record, 'thumb'),
      ...(record.outputs.some((o) => o.proxy) ? { proxies: await this.hashes(record, 'proxy') } : {}),
      fields: fieldsOf(planned),
      ...inputsOf(planned),
    };
    this.versions.append(entry);
  }

  /**
   * The thumbnails (and a video's review proxies) were just put in place from the store: their bytes name
   * their stored objects, which outlive the renders/ files the next render replaces.
   */
  private async hashes(record: RenderRecord, kind: 'thumb' | 'proxy'): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(
      record.outputs.map(async (o) => {
        const rel = o[kind];
        if (!rel) return;
        try {
          out[String(o.variation)] = (await sha256File(this.paths.abs(rel))).sha256;
        } catch {
          // missing: a restore makes a thumbnail again; a version without its proxy shows its poster
        }
      }),
    );
    return out;
  }
}

function newId(): string {
  return randomBytes(6).toString('hex');
}

function fieldsOf(planned: PlannedShot): Record<string, unknown> {
  const shot = planned.shot as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const k of RESTORABLE) if (shot[k] !== undefined) fields[k] = shot[k];
  return fields;
}

function inputsOf(planned: PlannedShot): { inputs?: VersionInputs } {
  const spec = planned.spec;
  if (!spec) return {};
  return {
    inputs: {
      model: spec.model.id,
      provider: spec.model.provider,
      seed: spec.baseSeed,
      steps: spec.steps,
      variations: spec.variations,
      aspectRatio: spec.aspectRatio,
      width: spec.width,
      height: spec.height,
      params: spec.params,
      refs: planned.refs.map((r) => ({
        role: r.role,
        label: r.label,
        ...(r.rel ? { ref: r.rel } : r.url ? { ref: r.url } : {}),
        sha256: r.sha256,
      })),
    },
  };
}
