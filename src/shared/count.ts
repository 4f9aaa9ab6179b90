// Whole numbers as en-US writes them ("10,000"), without Intl: a webview's first Intl object costs
// milliseconds of ICU set-up before its first paint, and the storyboard prints counts in that paint.

export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
