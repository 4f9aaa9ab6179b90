// What a batch would spend in the cloud, from its estimate, and whether to ask first. One wording for the
// VS Code confirmation and the CLI prompt, so both show the same numbers.
import type { Estimate } from './estimate';

const PROVIDER_NAME: Record<string, string> = { fal: 'fal.ai', replicate: 'Replicate' };

export interface CloudSpend {
  shots: number;
  variations: number;
  /** Reference uploads the batch still needs (free at the providers, but cloud calls with the key). */
  uploads: number;
  /** Priced models only; `unpriced` lists the models whose cost is unknown. */
  costUsd: number;
  unpriced: string[];
  providers: string[];
}

/** The cloud part of an estimate (draft renders cost nothing and call nothing). */
export function cloudSpend(e: Estimate): CloudSpend {
  const rows = e.byModel.filter((r) => r.provider !== 'draft');
  return {
    shots: rows.reduce((n, r) => n + r.shots, 0),
    variations: rows.reduce((n, r) => n + r.variations, 0),
    uploads: rows.length ? e.uploads.needed : 0,
    costUsd: Math.round(rows.reduce((n, r) => n + r.costUsd, 0) * 1e4) / 1e4,
    unpriced: e.unpriced.filter((m) => rows.some((r) => r.model === m)),
    providers: [...new Set(rows.map((r) => PROVIDER_NAME[r.provider] ?? r.provider))],
  };
}

/**
 * Whether to ask before spending. `thresholdUsd` is the user's "don't ask below": 0 asks for every cloud
 * render; an unknown price always asks (it cannot be compared).
 */
export function mustAsk(spend: CloudSpend, thresholdUsd: number): boolean {
  if (spend.variations === 0 && spend.uploads === 0) return false;
  if (spend.unpriced.length) return true;
  return !(thresholdUsd > 0 && spend.costUsd < thresholdUsd);
}

/** Dollars with the precision per-image prices need: $0.003, $0.046, $1.20. */
export function usd(n: number): string {
  return n > 0 && n < 0.1 ? `$${n.toFixed(3)}` : `$${n.toFixed(2)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "5 variations of 3 shots on fal.ai, about $0.13" */
export function spendHeadline(spend: CloudSpend, force: boolean): string {
  const cost = spend.unpriced.length
    ? `${usd(spend.costUsd)} + unpriced models`
    : `about ${usd(spend.costUsd)}`;
  return `${force ? 'Force re-render' : 'Render'} ${plural(spend.variations, 'variation')} of ${plural(spend.shots, 'shot')} on ${spend.providers.join(' and ')}, ${cost}?`;
}

/** The estimate, line by line: shots, variations, uploads, cost per model. */
export function spendDetail(e: Estimate, spend: CloudSpend, force: boolean): string[] {
  const lines = [
    `Shots: ${spend.shots} on ${spend.providers.join(' and ')}${e.shots.cached ? `, ${e.shots.cached} from cache` : ''}${e.shots.fresh ? `, ${e.shots.fresh} up to date` : ''}.`,
    `Variations: ${spend.variations} to render${e.variations.cached ? `, ${e.variations.cached} from cache` : ''}.`,
    `Uploads: ${spend.uploads} new reference${spend.uploads === 1 ? '' : 's'}${e.uploads.cached ? `, ${e.uploads.cached} already uploaded` : ''}.`,
    ...e.byModel
      .filter((r) => r.provider !== 'draft')
      .map(
        (r) =>
          `${r.model}: ${r.variations} × ${spend.unpriced.includes(r.model) ? 'unknown price' : usd(r.variations ? r.costUsd / r.variations : 0)} = ${spend.unpriced.includes(r.model) ? '?' : usd(r.costUsd)}`,
      ),
    `Estimated cost: ${usd(spend.costUsd)}${spend.unpriced.length ? ` plus ${spend.unpriced.join(', ')} (no known price)` : ''}.`,
  ];
  if (force) lines.push('Force bypasses the result cache: every variation is paid for again.');
  return lines;
}
