// Narrowing helpers for data that crosses a trust boundary (persisted state, host messages).

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function stringOr(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

export function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === v) ?? fallback;
}

export function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
