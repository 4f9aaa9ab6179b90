// Offsets → 1-based line:column, with a line index built once per text (binary search per lookup).
import { lastAtOrBefore } from '../util/sorted';

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }
  position(offset: number): { line: number; column: number } {
    const line = lastAtOrBefore(this.starts, offset);
    return { line: line + 1, column: offset - (this.starts[line] ?? 0) + 1 };
  }
}

/** `/shots/3/prompt` → `shots[3].prompt` (the form users see); RFC 6901 escapes undone. */
export function pointerToJsonPath(pointer: string): string {
  const parts = pointerSegments(pointer);
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '(root)';
}

export function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer || pointer === '/') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}
