// XML for FCP 7 interchange, both ways. Writing: every text is escaped and stripped of what XML 1.0
// cannot carry (control characters, lone surrogates), so no id, title, prompt or path can break the
// file. Reading: a small non-validating parser for the element tree of an editor's xmeml. It expands
// only the five predefined entities and character references, never a DTD's (no entity bombs, no
// external fetches), and refuses input deeper or larger than any real sequence.
import { DailiesError } from '../../util/errors';

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export const XML_LIMITS = { maxBytes: 256 * 1024 * 1024, maxDepth: 128 };

const TAG = /<([A-Za-z_:][-\w.:]*)((?:\s+[A-Za-z_:][-\w.:]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: () => string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (cp > 0x10ffff) throw bad(`character reference ${whole} is out of range`, at());
      return String.fromCodePoint(cp);
    }
    const v = ENTITIES[ref];
    if (v === undefined) throw bad(`unknown entity ${whole} (DTD entities are not expanded)`, at());
    return v;
  });
}

function bad(message: string, where: string): DailiesError {
  return new DailiesError('validation', `not well-formed XML: ${message} (${where})`);
}

/** Parses an XML document into its root element. Throws a DailiesError that says where it broke. */
export function parseXml(text: string): XmlElement {
  if (text.length > XML_LIMITS.maxBytes) throw bad('the file is too large', 'whole file');
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const line = () => `line ${text.slice(0, i).split('\n').length}`;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length) stack[stack.length - 1]!.text += decode(chunk, line);
    else if (chunk.trim()) throw bad('text outside the root element', line());
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw bad('unclosed comment', line());
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end < 0 || !stack.length) throw bad('misplaced CDATA section', line());
      stack[stack.length - 1]!.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) throw bad('unclosed processing instruction', line());
      i = end + 2;
    } else if (text.startsWith('<!', i)) {
      // <!DOCTYPE …> with an optional internal subset: skipped, never interpreted.
      let depth = 0;
      let j = i + 2;
      for (; j < text.length; j++) {
        const c = text[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      if (j >= text.length) throw bad('unclosed declaration', line());
      i = j + 1;
    } else if (text[i + 1] === '/') {
      const end = text.indexOf('>', i);
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (end < 0 || !open || open.name !== name)
        throw bad(`</${name}> does not close <${open?.name ?? 'nothing'}>`, line());
      if (!stack.length) root = open;
      i = end + 1;
    } else {
      TAG.lastIndex = i;
      const m = TAG.exec(text);
      if (!m) throw bad('malformed tag', line());
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(/([A-Za-z_:][-\w.:]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attrs[a[1]!] = decode(a[2] ?? a[3] ?? '', line);
      }
      const el: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1]!.children.push(el);
      else if (root) throw bad('more than one root element', line());
      if (m[3] === '/') {
        if (!stack.length) root = el;
      } else {
        stack.push(el);
        if (stack.length > XML_LIMITS.maxDepth) throw bad('nested too deep', line());
      }
      i += m[0].length;
    }
  }
  if (stack.length) throw bad(`<${stack[stack.length - 1]!.name}> is never closed`, 'end of file');
  if (!root) throw bad('no root element', 'whole file');
  return root;
}

/** The first child named `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childText(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name);
  return c ? c.text.trim() : undefined;
}
