// The metrics panel's persisted UI state: feature filter, table sort, selected series.
import { METRICS_STATE_VERSION, type MetricsState } from '../../src/shared/protocol';
import { stringOr } from '../common/guards';

export const DEFAULT_METRICS_STATE: MetricsState = {
  v: METRICS_STATE_VERSION,
  feature: '',
  sortBy: 'count:desc',
};

export function readMetricsState(raw: Record<string, unknown>, d: MetricsState): MetricsState {
  const series = raw['series'];
  return {
    v: METRICS_STATE_VERSION,
    feature: stringOr(raw['feature'], d.feature),
    sortBy: stringOr(raw['sortBy'], d.sortBy),
    ...(typeof series === 'string' ? { series } : {}),
  };
}
