// Offsets -> 1-based line/column, shared by the YAML/JSON parser and the TypeScript loader.
import type { SourcePosition, SourceRange } from './ir';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): SourcePosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    // Binary search: the last line start <= offset.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - this.starts[lo] + 1 };
  }

  /** Inverse of position(), for applying edits. */
  offset(pos: SourcePosition): number {
    const start = this.starts[Math.max(0, Math.min(pos.line - 1, this.starts.length - 1))];
    return Math.min(this.text.length, start + pos.column - 1);
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Number of lines, so callers can check that a position lies inside the text. */
  get lineCount(): number {
    return this.starts.length;
  }
}

export const FILE_START: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
