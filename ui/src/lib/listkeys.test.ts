import { describe, expect, it } from 'vitest';
import { listKeyAction } from './listkeys';

describe('list keys', () => {
  it('selects with Shift+j/k and Ctrl/Cmd+A, expands with the arrows', () => {
    expect(listKeyAction({ key: 'J', shiftKey: true })).toBe('extendNext');
    expect(listKeyAction({ key: 'K', shiftKey: true })).toBe('extendPrev');
    expect(listKeyAction({ key: 'a', ctrlKey: true })).toBe('selectAll');
    expect(listKeyAction({ key: 'a', metaKey: true })).toBe('selectAll');
    expect(listKeyAction({ key: 'Escape' })).toBe('clearSelection');
    expect(listKeyAction({ key: 'ArrowRight' })).toBe('expand');
    expect(listKeyAction({ key: 'j' })).toBeNull(); // the window's j
  });

  it('leaves text fields alone (Ctrl+A selects the text there)', () => {
    expect(listKeyAction({ key: 'a', ctrlKey: true, targetTag: 'INPUT' })).toBeNull();
    expect(listKeyAction({ key: 'J', shiftKey: true, targetEditable: true })).toBeNull();
  });
});
