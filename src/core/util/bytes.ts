/** A byte limit as people read it: "16 MiB", "1.5 MiB", "512 KiB" (never "0 MiB" for a small one). */
export function bytesLabel(bytes: number): string {
  const mib = bytes / 2 ** 20;
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  const kib = bytes / 2 ** 10;
  return kib >= 1 ? `${Math.round(kib)} KiB` : `${bytes} bytes`;
}
