// Where everything lives. The code-server install is cached outside the repo (reused across runs and
// clones); everything a run produces goes to test-output/e2e/ (git-ignored).
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const OUT_DIR = path.join(REPO, 'test-output', 'e2e');
/** DAILIES_E2E_VSIX tests a given VSIX (e.g. a release candidate) instead of building one. */
export const VSIX = process.env['DAILIES_E2E_VSIX'] ?? path.join(REPO, 'dist', 'dailies-linux-x64.vsix');
export const RUNNER_DIR = path.join(REPO, 'test', 'e2e', 'runner-extension');
export const EXAMPLE_DIR = path.join(REPO, 'examples', 'night-train');
export const CACHE = process.env['DAILIES_E2E_CACHE'] ?? path.join(homedir(), '.cache', 'dailies-e2e');
export const CODE_SERVER = path.join(CACHE, 'node_modules', '.bin', 'code-server');
/**
 * Simulated draft time per variation. Long enough that sleeping, not drawing, dominates a variation: at
 * 600 ms two cores are saturated by the frames themselves, every variation completes in the batch's last
 * moments, and a panel opened mid-render only appears once it is over. 2.5 s gives a ~13 s batch (five
 * waves of eight variations), leaving a few seconds' margin for the metrics panel, which takes ~5 s to
 * appear beside a live storyboard on two cores.
 */
export const DRAFT_LATENCY_MS = Number(process.env['DAILIES_E2E_LATENCY_MS'] ?? 2500);

const t0 = Date.now();

/** `[e2e   12.3s] message` — every step of a run, timed from its start. */
export function say(message: string): void {
  console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${message}`);
}

export function elapsedMs(): number {
  return Date.now() - t0;
}
