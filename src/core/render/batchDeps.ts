// What a batch's stages (batchStart.ts, waveHost.ts) need from the engine: its private steps as closures,
// bound once, so each stage lives in its own file and the engine only coordinates them.
import type { RenderEvent } from '../../shared/events';
import type { ProjectDocument } from '../project/load';
import type { ProjectPaths } from '../project/paths';
import type { Estimate } from './estimate';
import type { JobEventSink } from './jobTypes';
import type { PlannedShot } from './plan';
import type { PrewarmStats } from './prewarm';
import type { ShotControllers } from './shotControllers';
import type { ShotRunDeps } from './shotOutcome';
import type { Waves } from './videoWaves';

/** The options a batch stage reads (a subset of RenderOptions). */
export interface BatchOptions {
  shots?: string[];
  force?: boolean;
  farm?: boolean;
}

export interface BatchDeps {
  paths: ProjectPaths;
  controllers: ShotControllers;
  /** How one shot renders on this machine (a farm batch's second wave goes to the farm instead). */
  shot: ShotRunDeps;
  plan(options: BatchOptions): Promise<{ doc: ProjectDocument; shots: PlannedShot[] }>;
  waves(doc: ProjectDocument, planned: PlannedShot[]): Waves;
  /** The batch's scratch voice lines (see src/core/voice/batch.ts). */
  voice(doc: ProjectDocument, shotIds: string[] | undefined): PlannedShot[];
  /** The engine's confirmSpend hook, asked only when money may go (see preflight.ts). */
  confirm(work: PlannedShot[], estimate: () => Promise<Estimate>, options: BatchOptions): Promise<void>;
  estimate(shots: PlannedShot[], force: boolean | undefined): Promise<Estimate>;
  prewarm(batchId: string, work: PlannedShot[], signal: AbortSignal): Promise<PrewarmStats>;
  /** Writes the recorded shots to project.json now. */
  flush(): Promise<void>;
  fire(event: RenderEvent): void;
  log: JobEventSink['log'];
}
