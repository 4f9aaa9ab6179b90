// What both hand-drawn charts share: sizing the <svg> to its box, its accessible name, text labels, and
// the "No samples yet" state.
import { svg } from '../common/dom';

export function frameChart(root: SVGSVGElement, width: number, height: number, ariaLabel: string): void {
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('aria-label', ariaLabel);
}

export function emptyChart(root: SVGSVGElement, width: number, height: number): void {
  root.replaceChildren(label(width / 2, height / 2, 'No samples yet', 'empty', 'middle'));
}

export function label(x: number, y: number, text: string, className: string, anchor: string): SVGTextElement {
  const t = svg('text', { x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': anchor }, className);
  t.textContent = text;
  return t;
}
