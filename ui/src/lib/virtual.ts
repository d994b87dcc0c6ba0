// Which rows of a fixed-height list are on screen (plus a margin), and which pages they need.

export interface Window {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
}

export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 6,
): Window {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start: Math.min(start, end), end };
}

/** Page numbers covering [start, end). */
export function pagesFor(w: Window, pageSize: number): number[] {
  if (w.end <= w.start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(w.start / pageSize); p <= Math.floor((w.end - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/** The scrollTop that brings row `index` fully into view, or null if it already is. */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}

// Conversations: some rows (threads) are expanded and show their messages below them. An expansion says
// after which base row (a conversation's index in the list of conversations) how many child rows follow.
// The list's display rows are the base rows with the children inserted; only those on screen are rendered.

export interface Expansion {
  /** Index of the expanded conversation among the conversations. */
  at: number;
  /** Child rows shown below it. */
  size: number;
}

/** Display rows for `base` conversations and these expansions. */
export function displayTotal(base: number, expansions: readonly Expansion[]): number {
  return base + expansions.reduce((n, e) => n + (e.at < base ? e.size : 0), 0);
}

/** Which conversation display row `i` shows, and which of its children (-1: the conversation itself). */
export function locate(i: number, expansions: readonly Expansion[]): { base: number; child: number } {
  let offset = 0;
  for (const e of [...expansions].sort((a, b) => a.at - b.at)) {
    const row = e.at + offset;
    if (i <= row) break;
    if (i <= row + e.size) return { base: e.at, child: i - row - 1 };
    offset += e.size;
  }
  return { base: i - offset, child: -1 };
}

/** The display row of conversation `base` (the inverse of `locate` for child -1). */
export function displayIndexOf(base: number, expansions: readonly Expansion[]): number {
  return base + expansions.reduce((n, e) => n + (e.at < base ? e.size : 0), 0);
}

/** The display rows between two rows, both included, in order (a Shift-click or Shift+j/k range). */
export function rangeBetween(a: number, b: number): number[] {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
}
