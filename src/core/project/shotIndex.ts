// Where each shot object sits in the project text, kept between write-backs. A full parse tree of a
// 20,000-shot file is hundreds of MB and most of a second; this index is one offset and length per shot,
// built by one streaming pass, and moved along with our own edits instead of being rebuilt. A shot's own
// tree is parsed only when that shot is edited.
import { type Node as JsonNode, parseTree, visit } from 'jsonc-parser';
import { excessiveNesting } from './depth';
import type { TextEdit } from './edit';

export interface ShotSpan {
  id: string;
  /** Offset of the shot object's `{` and its length through the matching `}`. */
  offset: number;
  length: number;
}

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

/** A shot (by position) that grew or shrank by `grow` characters: every later shot moves by as much. */
interface Move {
  at: number;
  grow: number;
}

/** Moves kept beside the arrays before they are folded into new ones (one pass over every shot). */
const MAX_MOVES = 64;

export class ShotIndex {
  /**
   * Offsets and lengths by position in text order, with the id → position map shared by every index
   * shifted from this one (our edits never add, remove or rename shots). A flush records the moves its
   * edits make instead of moving 20,000 spans; now and then they are folded into new arrays.
   */
  private constructor(
    private readonly ids: readonly string[],
    private readonly at: ReadonlyMap<string, number>,
    private readonly offsets: Float64Array,
    private readonly lengths: Float64Array,
    private readonly moves: readonly Move[] = [],
  ) {}

  /** `spans` in text order; the first shot wins when a file repeats an id (as `indexShots` does). */
  private static of(spans: readonly ShotSpan[]): ShotIndex {
    const at = new Map<string, number>();
    const offsets = new Float64Array(spans.length);
    const lengths = new Float64Array(spans.length);
    spans.forEach((s, i) => {
      if (!at.has(s.id)) at.set(s.id, i);
      offsets[i] = s.offset;
      lengths[i] = s.length;
    });
    return new ShotIndex(
      spans.map((s) => s.id),
      at,
      offsets,
      lengths,
    );
  }

  get size(): number {
    return this.at.size;
  }

  get(id: string): ShotSpan | undefined {
    const i = this.at.get(id);
    return i === undefined
      ? undefined
      : { id: this.ids[i]!, offset: this.offsetAt(i), length: this.lengthAt(i) };
  }

  private offsetAt(i: number): number {
    let offset = this.offsets[i]!;
    for (const m of this.moves) if (m.at < i) offset += m.grow;
    return offset;
  }

  private lengthAt(i: number): number {
    let length = this.lengths[i]!;
    for (const m of this.moves) if (m.at === i) length += m.grow;
    return length;
  }

  /** Position of the shot whose braces strictly enclose the edit, or -1. */
  private enclosing(e: TextEdit): number {
    let lo = 0;
    let hi = this.offsets.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsetAt(mid) <= e.offset) lo = mid;
      else hi = mid - 1;
    }
    const offset = this.offsetAt(lo);
    return e.offset > offset && e.offset + e.length < offset + this.lengthAt(lo) ? lo : -1;
  }

  /**
   * The shots of `text` (same rules as `indexShots`: the root's first `shots` array, its objects whose
   * first `id` is a string); undefined when there is no such structure or the text nests too deep.
   */
  static build(text: string): ShotIndex | undefined {
    if (excessiveNesting(text) >= 0) return undefined;
    const spans: ShotSpan[] = [];
    // depth = open containers: 1 inside the root object, 2 inside `shots`, 3 inside a shot.
    let depth = 0;
    let topValues = 0;
    let rootIsObject = false;
    let rootKey: string | undefined;
    let shotsSeen = false;
    let inShots = false;
    let shot: { offset: number; id?: string; idSeen: boolean; expectId: boolean } | undefined;
    /** A value starts at container depth `d` (a literal, or a container about to open). */
    const value = (d: number, v: unknown, isArray: boolean): void => {
      if (d === 0) topValues++;
      if (d === 1 && rootKey !== undefined) {
        // Like findNodeAtLocation: the first `shots` property that has a value is the one.
        if (rootKey === 'shots' && !shotsSeen) {
          shotsSeen = true;
          inShots = isArray;
        }
        rootKey = undefined;
      }
      if (d === 3 && shot?.expectId) {
        if (typeof v === 'string') shot.id = v;
        shot.expectId = false;
      }
    };
    const begin = (isArray: boolean, offset: number): boolean => {
      value(depth, undefined, isArray);
      depth++;
      if (depth === 1 && topValues === 1) rootIsObject = !isArray;
      if (depth === 3 && inShots && !isArray) shot = { offset, idSeen: false, expectId: false };
      // Below a shot's own properties nothing matters here: skip those callbacks.
      return topValues === 1 && (depth === 1 || (depth === 2 ? inShots : depth === 3 && inShots));
    };
    visit(
      text,
      {
        onObjectBegin: (offset) => begin(false, offset),
        onArrayBegin: (offset) => begin(true, offset),
        onObjectEnd: (offset, length) => {
          if (depth === 3 && shot) {
            if (shot.id !== undefined)
              spans.push({ id: shot.id, offset: shot.offset, length: offset + length - shot.offset });
            shot = undefined;
          }
          depth--;
        },
        onArrayEnd: () => {
          if (depth === 2) inShots = false;
          depth--;
        },
        onObjectProperty: (name) => {
          if (depth === 1 && rootIsObject && topValues === 1) rootKey = name;
          if (depth === 3 && shot) {
            shot.expectId = name === 'id' && !shot.idSeen;
            if (name === 'id') shot.idSeen = true;
          }
        },
        onLiteralValue: (v) => value(depth, v, false),
      },
      PARSE_OPTIONS,
    );
    if (topValues === 0) return undefined;
    return ShotIndex.of(rootIsObject ? spans : []);
  }

  /**
   * The index of the text after `edits`, each of which lies inside one indexed shot (what
   * `setPropertyEdits` produces): spans after an edit move by its size, the edited shot grows or shrinks.
   */
  shifted(edits: readonly TextEdit[]): ShotIndex {
    const moves = [...this.moves];
    for (const e of edits) {
      const i = this.enclosing(e);
      if (i < 0) return this.folded().shiftedAll(edits);
      moves.push({ at: i, grow: e.content.length - e.length });
    }
    const next = new ShotIndex(this.ids, this.at, this.offsets, this.lengths, moves);
    return moves.length > MAX_MOVES ? next.folded() : next;
  }

  /** The same spans with every move folded into new arrays (one pass over the shots). */
  private folded(): ShotIndex {
    if (this.moves.length === 0) return this;
    const n = this.offsets.length;
    const growAt = new Map<number, number>();
    for (const m of this.moves) growAt.set(m.at, (growAt.get(m.at) ?? 0) + m.grow);
    const offsets = new Float64Array(n);
    const lengths = new Float64Array(n);
    let shift = 0;
    for (let i = 0; i < n; i++) {
      const grow = growAt.get(i) ?? 0;
      offsets[i] = this.offsets[i]! + shift;
      lengths[i] = this.lengths[i]! + grow;
      shift += grow;
    }
    return new ShotIndex(this.ids, this.at, offsets, lengths);
  }

  /** `shifted` for any edits (each before, inside or after a shot), in one pass over the shots. */
  private shiftedAll(edits: readonly TextEdit[]): ShotIndex {
    const sorted = [...edits].sort((a, b) => a.offset - b.offset);
    const n = this.offsets.length;
    const offsets = new Float64Array(n);
    const lengths = new Float64Array(n);
    let e = 0;
    let shift = 0;
    for (let i = 0; i < n; i++) {
      const offset = this.offsets[i]!;
      const length = this.lengths[i]!;
      // Edits wholly before this shot move it; edits inside it change its length.
      while (e < sorted.length && sorted[e]!.offset + sorted[e]!.length <= offset) {
        shift += sorted[e]!.content.length - sorted[e]!.length;
        e++;
      }
      let grow = 0;
      while (e < sorted.length && sorted[e]!.offset < offset + length) {
        grow += sorted[e]!.content.length - sorted[e]!.length;
        e++;
      }
      offsets[i] = offset + shift;
      lengths[i] = length + grow;
      shift += grow;
    }
    return new ShotIndex(this.ids, this.at, offsets, lengths);
  }

  /** The shot's object node with offsets in `text` (parsed from its span alone). */
  node(text: string, span: ShotSpan): JsonNode | undefined {
    const tree = parseTree(text.slice(span.offset, span.offset + span.length), [], PARSE_OPTIONS);
    if (tree?.type !== 'object') return undefined;
    moveNode(tree, span.offset);
    return tree;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Our own fresh tree, so moving it in place is safe. */
function moveNode(node: Mutable<JsonNode>, delta: number): void {
  node.offset += delta;
  if (node.colonOffset !== undefined) node.colonOffset += delta;
  for (const child of node.children ?? []) moveNode(child, delta);
}
