// Renders a batch's voice lines through the same job runner as images (result cache → claim → class slot
// → journal + submit → download → decode → store), a line at a time per slot. A line that fails is an
// error of its shot naming the line; the others go on. Nothing is written to project.json.
import type { BatchSummary } from '../../shared/events';
import type { JobRunner } from '../render/jobRunner';
import type { PlannedShot } from '../render/plan';

export async function renderVoice(
  runner: JobRunner,
  shots: PlannedShot[],
  batchId: string,
  signal: AbortSignal,
  force: boolean,
  summary: BatchSummary,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): Promise<{ rendered: number; cached: number; failed: number }> {
  const counts = { rendered: 0, cached: 0, failed: 0 };
  const jobs = shots.flatMap((s) => s.jobs.map((j) => ({ ...j, batchId })));
  await Promise.all(
    jobs.map(async (job) => {
      const outcome = await runner.run(job, signal, force);
      summary.costUsd += outcome.costUsd;
      if (outcome.state === 'done') counts.rendered++;
      else if (outcome.state === 'cached') counts.cached++;
      else if (outcome.state === 'failed' && outcome.error) {
        counts.failed++;
        const message = `line ${job.variation} (scratch voice): ${outcome.error.message}`;
        summary.errors.push({ shotId: job.shotId, code: outcome.error.code, message });
        log('error', `${job.shotId} ${message}`);
      }
    }),
  );
  if (jobs.length) {
    log(
      'info',
      `scratch voice: ${counts.rendered} line(s) spoken, ${counts.cached} from cache${counts.failed ? `, ${counts.failed} failed` : ''}`,
    );
  }
  return counts;
}
