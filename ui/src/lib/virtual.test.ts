import { describe, expect, it } from 'vitest';
import { pagesFor, scrollToReveal, visibleWindow } from './virtual';

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
