// DOM builders. Text always goes through textContent (prompts are user content), and styles through
// CSSOM: the page's CSP has no 'unsafe-inline', so style attributes in markup would be dropped.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function icon(name: string, className = ''): HTMLSpanElement {
  const span = el('span', `codicon codicon-${name}${className ? ` ${className}` : ''}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/**
 * Writes `text` into the node's one text child when it has one: replacing the child (textContent) would
 * re-attach a layout object for it, which a grid re-binding cards on every scroll frame pays for.
 */
export function setText(node: Element, text: string): void {
  const only = node.firstChild;
  if (only !== null && only === node.lastChild && only.nodeType === Node.TEXT_NODE) {
    if ((only as Text).data !== text) (only as Text).data = text;
  } else if (node.textContent !== text) node.textContent = text;
}

/** Setting `hidden` to the value it has still counts as an attribute change (a style recalc): skip it. */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}

export function setAttr(node: Element, name: string, value: string | undefined): void {
  if (value === undefined) node.removeAttribute(name);
  else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

export function toggleAttr(node: Element, name: string, on: boolean): void {
  if (on) {
    if (!node.hasAttribute(name)) node.setAttribute(name, '');
  } else node.removeAttribute(name);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  className?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (className) node.setAttribute('class', className);
  return node;
}
