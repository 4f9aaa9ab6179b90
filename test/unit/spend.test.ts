// The cloud part of an estimate and when to ask (shared by VS Code's dialog and the CLI's prompt).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Estimate } from '../../src/core/render/estimate';
import { cloudSpend, mustAsk, spendDetail, spendHeadline } from '../../src/core/render/spend';

function estimate(rows: Partial<Estimate['byModel'][number]>[], extra: Partial<Estimate> = {}): Estimate {
  const byModel = rows.map((r) => ({
    model: 'm',
    provider: 'fal',
    class: 'heavy' as const,
    shots: 1,
    variations: 1,
    costUsd: 0,
    secondsEach: 1,
    ...r,
  }));
  return {
    shots: { total: 10, fresh: 2, toRender: 8, cached: 0, invalid: 0 },
    variations: { toRender: 8, cached: 0 },
    uploads: { needed: 3, cached: 1 },
    estSeconds: 1,
    estCostUsd: byModel.reduce((n, r) => n + r.costUsd, 0),
    unpriced: [],
    byModel,
    invalid: [],
    ...extra,
  };
}

describe('cloud spend', () => {
  it('counts only cloud models; a draft-only batch spends nothing and asks nothing', () => {
    const e = estimate([
      { model: 'draft/storyboard', provider: 'draft', shots: 5, variations: 6 },
      { model: 'fal-ai/flux/dev', provider: 'fal', shots: 2, variations: 4, costUsd: 0.1 },
    ]);
    const s = cloudSpend(e);
    assert.deepEqual([s.shots, s.variations, s.uploads, s.costUsd], [2, 4, 3, 0.1]);
    assert.equal(spendHeadline(s, false), 'Render 4 variations of 2 shots on fal.ai, about $0.10?');
    const draft = cloudSpend(estimate([{ provider: 'draft', variations: 3 }]));
    assert.equal(mustAsk(draft, 0), false);
  });

  it('asks at or above the threshold, never below; 0 always asks; an unknown price always asks', () => {
    const s = cloudSpend(estimate([{ costUsd: 0.5, variations: 5 }]));
    assert.equal(mustAsk(s, 0), true);
    assert.equal(mustAsk(s, 0.5), true);
    assert.equal(mustAsk(s, 0.51), false);
    const unpriced = cloudSpend(estimate([{ model: 'acme/x', costUsd: 0 }], { unpriced: ['acme/x'] }));
    assert.equal(mustAsk(unpriced, 100), true);
    assert.match(spendHeadline(unpriced, true), /^Force re-render .* \$0\.00 \+ unpriced models\?$/);
  });

  it('the detail shows shots, variations, uploads and the cost per model', () => {
    const e = estimate([{ model: 'fal-ai/flux/schnell', variations: 4, costUsd: 0.012 }]);
    const lines = spendDetail(e, cloudSpend(e), true).join('\n');
    assert.match(lines, /Variations: 4 to render/);
    assert.match(lines, /Uploads: 3 new references, 1 already uploaded/);
    assert.match(lines, /fal-ai\/flux\/schnell: 4 × \$0\.003 = \$0\.012/);
    assert.match(lines, /Force bypasses the result cache/);
  });
});
