import { describe, expect, it } from 'vitest';
import { displayIndexOf, displayTotal, locate, pagesFor, rangeBetween, scrollToReveal, visibleWindow } from './virtual';

describe('visibleWindow', () => {
  it('renders only the rows on screen plus the margin', () => {
    const w = visibleWindow(64 * 1000, 640, 64, 100_000, 5);
    expect(w).toEqual({ start: 995, end: 1016 });
    expect(w.end - w.start).toBeLessThan(30);
  });

  it('clamps at both ends of the list', () => {
    expect(visibleWindow(0, 640, 64, 100_000, 5).start).toBe(0);
    expect(visibleWindow(64 * 99_990, 640, 64, 100_000, 5).end).toBe(100_000);
    expect(visibleWindow(0, 640, 64, 3, 5)).toEqual({ start: 0, end: 3 });
  });

  it('is empty for an empty list', () => {
    expect(visibleWindow(500, 640, 64, 0)).toEqual({ start: 0, end: 0 });
  });
});

describe('pagesFor', () => {
  it('lists the pages a window touches', () => {
    expect(pagesFor({ start: 95, end: 210 }, 100)).toEqual([0, 1, 2]);
    expect(pagesFor({ start: 0, end: 0 }, 100)).toEqual([]);
  });
});

describe('scrollToReveal', () => {
  it('scrolls only when the row is off screen', () => {
    expect(scrollToReveal(5, 0, 640, 64)).toBeNull();
    expect(scrollToReveal(20, 0, 640, 64)).toBe(21 * 64 - 640);
    expect(scrollToReveal(2, 640, 640, 64)).toBe(128);
  });
});

describe('expanded conversations', () => {
  const exps = [
    { at: 2, size: 3 },
    { at: 5, size: 2 },
  ];

  it('inserts the children after their conversation', () => {
    expect(displayTotal(10, exps)).toBe(15);
    const shown = Array.from({ length: 15 }, (_, i) => locate(i, exps));
    expect(shown.map((r) => (r.child < 0 ? `${r.base}` : `${r.base}.${r.child}`))).toEqual([
      '0', '1', '2', '2.0', '2.1', '2.2', '3', '4', '5', '5.0', '5.1', '6', '7', '8', '9',
    ]);
    expect([0, 2, 3, 5, 9].map((b) => displayIndexOf(b, exps))).toEqual([0, 2, 6, 8, 14]);
  });

  it('ignores expansions past the end and orders ranges', () => {
    expect(displayTotal(2, exps)).toBe(2);
    expect(rangeBetween(5, 2)).toEqual([2, 3, 4, 5]);
  });
});
